/* The density calculator page: the form, its address (every input is in the query string), the
   presets, the checks (the same as densing_fit/calculator/inputs.py, with the same words) and the
   results in words. The numbers come from density-engine.js. Record text (model names) is only
   ever set as text, never as HTML. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const COT_WORDS = { cot: true, nocot: false, "?": null, "": null };
  const SPEC = /^([a-z0-9][a-z0-9._+-]*)=([^:@]*)(?::([^:@]*))?(?::([^:@]*))?(?:@(.*))?$/;
  const SLUG = /^[a-z0-9](?:[a-z0-9._+-]{0,118}[a-z0-9])?$/;
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const COUNT_HINT = "expected e.g. 7241732096, 7.24B, 300M or 2T";
  const SCALE = { K: 3, M: 6, B: 9, T: 12 };
  const state = { doc: null, config: null, presets: null, loading: null, model: null };

  /* ---- numbers in words (densing_site/formatting.py) ---- */
  function sig(value, digits) {
    if (value === 0) return "0";
    const strip = (t) => (t.indexOf(".") >= 0 ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
    const [mantissa, exp] = value.toExponential(digits - 1).split("e");
    const e = Number(exp);
    if (e < -4 || e >= digits) return strip(mantissa) + "×10^" + e;
    return strip(value.toFixed(Math.max(0, digits - 1 - e)));
  }
  function params(n) {
    if (n === null || n === undefined) return "";
    for (const [unit, scale] of [["T", 1e12], ["B", 1e9], ["M", 1e6], ["K", 1e3]]) {
      if (Math.abs(n) >= scale) return sig(n / scale, 3) + unit;
    }
    return sig(n, 3);
  }
  const num = (x) => (x === null || x === undefined ? "" : sig(x, 3));

  /* ---- checks (densing_fit/calculator/inputs.py) ---- */
  function parseCount(raw, what) {
    const text = String(raw).trim().replace(/_/g, "").replace(/,/g, "");
    const power = SCALE[text.slice(-1).toUpperCase()] || 0;
    const digits = power ? text.slice(0, -1) : text;
    const pattern = power ? /^\d{1,30}(\.\d{1,30})?$/ : /^\d{1,30}$/;
    if (!pattern.test(digits)) throw new Error(`${what}: '${raw}' is not a count (${COUNT_HINT})`);
    const [whole, frac = ""] = digits.split(".");
    const exact = BigInt(whole + frac.padEnd(power, "0").slice(0, power)) ;
    const rest = frac.slice(power);
    let count = exact;
    if (rest && (rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || exact % 2n === 1n)))) count += 1n;
    const max = BigInt(state.doc.constants.max_params);
    if (count < 1n) throw new Error(`${what}: '${raw}' is not a positive count (${COUNT_HINT})`);
    if (count > max) throw new Error(`${what}: '${raw}' is above 1,000T, the largest count a record may hold`);
    return Number(count);
  }

  function checkDate(raw) {
    const [low, high] = state.doc.constants.date_range;
    const text = String(raw || "").trim();
    if (!text) throw new Error("Release date is missing (YYYY-MM-DD)");
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && !isNaN(Date.parse(text + "T00:00:00Z")) &&
      new Date(text + "T00:00:00Z").toISOString().slice(0, 10) === text;
    if (!valid) throw new Error(`Release date '${text}' is not a date (expected YYYY-MM-DD)`);
    if (text < low || text > high) throw new Error(`Release date ${text} is outside ${low} to ${high}`);
    return text;
  }

  function checkScore(row, where) {
    const bench = state.doc.benchmarks[row.benchmark];
    if (!bench) {
      const known = Object.keys(state.doc.benchmarks).sort().join(", ");
      throw new Error(`${where}: benchmark '${row.benchmark}' is not read by any track; expected one of ${known}`);
    }
    const text = String(row.value).trim();
    const value = Number(text);
    if (!NUMBER.test(text)) throw new Error(`${where}: the score '${row.value}' is not a number (e.g. 65.1)`);
    if (!Number.isFinite(value)) throw new Error(`${where}: the score '${row.value}' is not a finite number`);
    if (value < 0 || value > bench.maximum) throw new Error(`${where}: score ${text} is outside [0, ${bench.maximum}] for ${row.benchmark}`);
    const shotsText = String(row.shots === null || row.shots === undefined ? "" : row.shots).trim();
    let shots = null;
    if (shotsText !== "" && shotsText !== "?") {
      if (!/^\d{1,3}$/.test(shotsText) || Number(shotsText) > state.doc.constants.max_shots) {
        throw new Error(`${where}: shots '${shotsText}' is not a count from 0 to ${state.doc.constants.max_shots} (or empty when not stated)`);
      }
      shots = Number(shotsText);
    }
    const cotText = String(row.cot || "").trim().toLowerCase();
    if (!(cotText in COT_WORDS)) throw new Error(`${where}: chain-of-thought '${cotText}' is not cot, nocot or ? (not stated)`);
    const protocol = String(row.protocol || "").trim();
    if (protocol && !SLUG.test(protocol)) {
      throw new Error(`${where}: protocol '${protocol}' is not a slug (lower-case letters, digits and . _ + -), e.g. obsscaling`);
    }
    return { benchmark: row.benchmark, value: value, shots: shots, cot: COT_WORDS[cotText], protocol: protocol };
  }

  /* ---- score specs: BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL], as `densing density --score` reads them ---- */
  function parseSpec(text) {
    const m = SPEC.exec(String(text).trim());
    if (!m) return null;
    return { benchmark: m[1], value: m[2], shots: m[3] || "", cot: (m[4] || "").toLowerCase(), protocol: m[5] || "" };
  }
  function specOf(row) {
    const shots = String(row.shots || "").trim() || "?";
    const cot = row.cot || "?";
    const text = `${row.benchmark}=${String(row.value).trim()}:${shots}:${cot}`;
    return row.protocol ? `${text}@${row.protocol}` : text;
  }

  /* ---- the form ---- */
  function benchmarkOptions(select, chosen) {
    const ids = Object.keys(state.doc.benchmarks).sort((a, b) =>
      state.doc.benchmarks[a].name.localeCompare(state.doc.benchmarks[b].name));
    for (const id of ids) {
      const option = document.createElement("option");
      option.value = id;
      option.textContent = `${state.doc.benchmarks[id].name} (${id})`;
      select.appendChild(option);
    }
    if (chosen && !state.doc.benchmarks[chosen]) {
      const option = document.createElement("option");
      option.value = chosen;
      option.textContent = `${chosen} (read by no track)`;
      select.appendChild(option);
    }
    select.value = chosen || ids[0];
  }

  function addRow(row) {
    row = row || { benchmark: "", value: "", shots: "", cot: "", protocol: "" };
    const tr = document.createElement("tr");
    tr.className = "calc-row";
    const cell = (child, label) => {
      const td = document.createElement("td");
      if (label) td.setAttribute("data-label", label);
      td.appendChild(child);
      tr.appendChild(td);
      return child;
    };
    const bench = cell(document.createElement("select"), "Benchmark");
    bench.className = "calc-bench";
    bench.setAttribute("aria-label", "Benchmark");
    benchmarkOptions(bench, row.benchmark);
    const value = cell(document.createElement("input"), "Score");
    Object.assign(value, { className: "calc-value", inputMode: "decimal", value: row.value, placeholder: "65.1" });
    value.setAttribute("aria-label", "Score in percent");
    const shots = cell(document.createElement("input"), "Shots");
    Object.assign(shots, { className: "calc-shots", inputMode: "numeric", value: row.shots === "?" ? "" : row.shots, placeholder: "not stated" });
    shots.setAttribute("aria-label", "Shots");
    const cot = cell(document.createElement("select"), "CoT");
    cot.className = "calc-cot";
    cot.setAttribute("aria-label", "Chain of thought");
    for (const [v, label] of [["", "not stated"], ["cot", "yes"], ["nocot", "no"]]) {
      const option = document.createElement("option");
      option.value = v;
      option.textContent = label;
      cot.appendChild(option);
    }
    cot.value = row.cot === "?" ? "" : row.cot;
    if (cot.value !== (row.cot === "?" ? "" : row.cot)) cot.value = "";
    const protocol = cell(document.createElement("input"), "Protocol");
    Object.assign(protocol, { className: "calc-protocol", value: row.protocol, placeholder: "a report" });
    protocol.setAttribute("list", "calc-protocols");
    protocol.setAttribute("aria-label", "Protocol");
    const remove = cell(document.createElement("button"), "");
    Object.assign(remove, { type: "button", className: "calc-remove", textContent: "✕", title: "Remove this score" });
    remove.setAttribute("aria-label", "Remove this score");
    remove.addEventListener("click", () => { tr.remove(); edited(); });
    $("calc-rows").appendChild(tr);
    return tr;
  }

  function readForm() {
    const rows = Array.from(document.querySelectorAll("#calc-rows tr")).map((tr) => ({
      benchmark: tr.querySelector(".calc-bench").value,
      value: tr.querySelector(".calc-value").value,
      shots: tr.querySelector(".calc-shots").value,
      cot: tr.querySelector(".calc-cot").value,
      protocol: tr.querySelector(".calc-protocol").value,
      element: tr,
    }));
    return {
      total: $("calc-total").value, active: $("calc-active").value, date: $("calc-date").value,
      kind: $("calc-kind").value, model: state.model, rows: rows,
    };
  }

  function fillForm(raw) {
    $("calc-total").value = raw.total || "";
    $("calc-active").value = raw.active || "";
    $("calc-date").value = raw.date || "";
    $("calc-kind").value = raw.kind || "base";
    if ($("calc-kind").value !== (raw.kind || "base")) $("calc-kind").value = "base";
    $("calc-rows").textContent = "";
    for (const row of raw.rows) addRow(row);
    if (!raw.rows.length) addRow();
    state.model = raw.model || null;
  }

  /* The inputs checked: {input, errors}; an empty score row is skipped. */
  function validate(raw) {
    const errors = [];
    const bad = (element, message) => { errors.push(message); if (element) element.setAttribute("aria-invalid", "true"); };
    document.querySelectorAll("#calc-form [aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
    let total = null, active = null, date = null;
    try { total = parseCount(raw.total, "Total parameters"); } catch (e) { bad($("calc-total"), e.message); }
    if (String(raw.active || "").trim()) {
      try { active = parseCount(raw.active, "Active parameters"); } catch (e) { bad($("calc-active"), e.message); }
    }
    if (total !== null && active !== null && active > total) {
      bad($("calc-active"), `Active parameters ${active.toLocaleString("en")} exceed the total ${total.toLocaleString("en")}; give active ≤ total`);
    }
    try { date = checkDate(raw.date); } catch (e) { bad($("calc-date"), e.message); }
    const scores = [];
    raw.rows.forEach((row, i) => {
      if (String(row.value).trim() === "" && !String(row.shots).trim() && !row.protocol) return;
      try { scores.push(checkScore(row, `Score ${i + 1} (${row.benchmark})`)); } catch (e) { bad(row.element && row.element.querySelector(".calc-value"), e.message); }
    });
    if (!scores.length && !errors.some((m) => m.startsWith("Score"))) errors.push("No scores given: add at least one.");
    const input = { paramsTotal: total, paramsActive: active, releaseDate: date, kind: raw.kind, modelId: raw.model || "input-model", scores: scores };
    return { input: input, errors: errors };
  }

  /* ---- the address ---- */
  function toQuery(raw) {
    const q = new URLSearchParams();
    q.set("v", state.config.version);
    if (raw.model) q.set("model", raw.model);
    for (const key of ["total", "active", "date"]) if (String(raw[key] || "").trim()) q.set(key, String(raw[key]).trim());
    if (raw.kind && raw.kind !== "base") q.set("kind", raw.kind);
    for (const row of raw.rows) if (String(row.value).trim()) q.append("s", specOf(row));
    return q;
  }

  function fromQuery(query) {
    const rows = [], errors = [];
    query.getAll("s").forEach((text, i) => {
      const row = parseSpec(text);
      if (row === null) {
        errors.push(`Score ${i + 1} in the address: '${text}' is not BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL], e.g. mmlu=65.1:5`);
        return;
      }
      if (!(row.cot in COT_WORDS)) {
        errors.push(`Score ${i + 1} in the address: chain-of-thought '${row.cot}' is not cot, nocot or ? (not stated); read as not stated`);
        row.cot = "";
      }
      rows.push(row);
    });
    const kinds = Array.from($("calc-kind").options).map((o) => o.value);
    let kind = query.get("kind") || "base";
    if (kinds.indexOf(kind) < 0) {
      errors.push(`Kind '${kind}' in the address: expected one of ${kinds.join(", ")}; read as base`);
      kind = "base";
    }
    let model = query.get("model") || null;
    if (model !== null && !SLUG.test(model)) {
      errors.push(`The address names model '${model}', which is not a model id; the inputs are read as a new model`);
      model = null;
    }
    const date = query.get("date") || "";
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date) || date && isNaN(Date.parse(date + "T00:00:00Z"))) {
      errors.push(`Release date '${date}' in the address is not a date (expected YYYY-MM-DD)`);
    }
    const version = query.get("v");
    const raw = {
      total: query.get("total") || "", active: query.get("active") || "", date: query.get("date") || "",
      kind: kind, model: model, rows: rows,
    };
    return { raw: raw, errors: errors, version: version };
  }

  /* ---- presets ---- */
  function loadPresets() {
    if (!state.loading) {
      state.loading = fetch(state.config.presets).then((r) => {
        if (!r.ok) throw new Error(`the presets could not be loaded (${r.status})`);
        return r.json();
      }).then((list) => {
        state.presets = list;
        const datalist = $("calc-preset-list");
        for (const m of list) {
          const option = document.createElement("option");
          option.value = m.id;
          option.textContent = m.name;
          datalist.appendChild(option);
        }
        return list;
      });
    }
    return state.loading;
  }

  function findPreset(text) {
    const wanted = String(text || "").trim().toLowerCase();
    if (!wanted) return null;
    return state.presets.find((m) => m.id === wanted) ||
      state.presets.find((m) => m.name.toLowerCase() === wanted) || null;
  }

  function applyPreset() {
    loadPresets().then(() => {
      const m = findPreset($("calc-preset").value);
      if (!m) {
        showErrors([`No recorded model '${$("calc-preset").value}': pick one from the list (by id or name).`]);
        return;
      }
      const rows = m.scores.map(parseSpec);
      fillForm({ total: String(m.params_total), active: m.params_active ? String(m.params_active) : "", date: m.release_date, kind: m.kind, model: m.id, rows: rows });
      update();
    }).catch((e) => showErrors([e.message]));
  }

  /* ---- results in words ---- */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child));
    return node;
  }
  const value = (key, x, text) => el("span", { class: "calc-num", "data-key": key, "data-value": x === null ? "" : String(x) }, text);

  function intervalWords(o, lowKey, highKey, fmt) {
    if (o[lowKey] === null) return [];
    return [" (90% interval ", value(snake(lowKey), o[lowKey], fmt(o[lowKey])), "–", value(snake(highKey), o[highKey], fmt(o[highKey])), ")"];
  }
  const snake = (key) => key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

  const BOUND = { at_least: "at least ", at_most: "at most " };

  function settingWords(entry) {
    const shots = entry.shots === null ? "shots not stated" : `${entry.shots}-shot`;
    const cot = entry.cot === null ? "CoT not stated" : entry.cot ? "CoT" : "no CoT";
    return [shots, cot].concat(entry.protocol ? [entry.protocol] : []).join(", ");
  }

  function rulerSetting(track, bench) {
    const s = track.settings[bench];
    const shots = s.shots === null ? "any shots" : `${s.shots}-shot`;
    const cot = s.cot === null ? "" : s.cot ? " with CoT" : " without CoT";
    return shots + cot;
  }

  function benchmarkNote(track, outcome, bench, row, input) {
    const name = state.doc.benchmarks[bench] ? state.doc.benchmarks[bench].name : bench;
    if (!row) {
      const given = input.scores.filter((s) => s.benchmark === bench);
      if (given.length && track.protocol_family) {
        return `Missing: your ${name} score is not from this track's protocol (it reads only ${track.protocol_family}: ${state.doc.protocol_families[track.protocol_family].description}).`;
      }
      return `Missing benchmark: no score ${given.length ? "this track can read" : "given"}.`;
    }
    const entry = input.scores[row.entry];
    const parts = [];
    if (row.status === "protocol_mismatch" && !row.used) {
      parts.push(`Not used: the setting is not the track's (you gave ${settingWords(entry)}; the ruler reads ${name} ${rulerSetting(track, bench)}).`);
    } else if (row.status === "protocol_unstated" && !row.used) {
      parts.push(`Not used: its source does not state the shots or chain of thought; this track reads ${name} ${rulerSetting(track, bench)} only when stated.`);
    } else if (row.status === "bridged") {
      const bridge = track.bridges.find((b) => b.benchmark === bench);
      parts.push(`Converted from your ${bridge.source_benchmark} score ${entry.value} (${bridge.source}) by the track's bridge: ${sig(row.value, 4)}.`);
    }
    if (row.shotsUnstated && row.used) {
      parts.push(track.allow_unstated
        ? "Its source does not state the shots or chain of thought; this track reads it anyway (flag protocol_unstated)."
        : "Its source does not state the shots or chain of thought: read only because the stated scores gave no density (flag protocol_unstated).");
    }
    const flags = row.flag.split(";").filter(Boolean);
    if (flags.includes("below_ruler")) parts.push("Beyond the ruler's reach (below it): the effective size is at most this.");
    if (flags.includes("above_ruler")) parts.push("Beyond the ruler's reach (above it): the effective size is at least this.");
    if (flags.includes("no_ruler")) parts.push(state.doc.flags.no_ruler);
    if (flags.includes("extrapolated")) parts.push("Outside the ruler's reference sizes: the back-tested extrapolation error is in the interval.");
    if (flags.includes("chained")) parts.push("Read on the newer family chained onto the ruler (in its units).");
    return parts.join(" ");
  }

  function trackSection(track, o, input) {
    const trackUrl = state.config.root + (state.config.tracks.find((t) => t.id === o.track) || {}).url;
    const section = el("section", { class: "calc-track", "data-track": o.track, id: "calc-" + o.track });
    section.append(el("h3", {}, el("a", { href: trackUrl }, o.label), " ", el("small", {}, `${o.track} · ruler ${o.ruler} · data ${state.doc.data_version}`)));
    const bound = BOUND[o.bound] || "";
    if (o.effectiveParams === null) {
      section.append(el("p", { class: "calc-headline", "data-key": "no_density" },
        `No density on this track: it needs ${o.minBenchmarks} of its ${o.benchmarks.length} benchmarks, and ${o.nBenchmarks} gave an effective size.`));
    } else {
      const headline = el("p", { class: "calc-headline" }, "Density ", el("strong", {}, bound, value("density", o.density, num(o.density))));
      headline.append(...intervalWords(o, "densityLow", "densityHigh", num));
      headline.append("; effective size ", bound, value("effective_params", o.effectiveParams, params(o.effectiveParams)));
      headline.append(...intervalWords(o, "effectiveParamsLow", "effectiveParamsHigh", params));
      headline.append(` against ${params(input.paramsTotal)} parameters.`);
      if (o.bound) headline.append(el("span", { class: "calc-bound", "data-key": "bound", "data-value": o.bound },
        ` A bound: a score lies ${o.bound === "at_least" ? "above" : "below"} the ruler's reach, so there is no interval.`));
      section.append(headline);
      const active = el("p", {}, "Per active parameter: density ", bound, value("density_active", o.densityActive, num(o.densityActive)));
      active.append(...intervalWords(o, "densityActiveLow", "densityActiveHigh", num));
      active.append(input.paramsActive ? "." : " (dense model: the same).");
      section.append(active);
      section.append(rankWords(o));
      if (o.line) section.append(lineWords(o, bound));
    }
    if (o.flags.length) {
      const list = el("ul", { class: "calc-flags", "data-key": "flags", "data-value": o.flags.join(";") });
      for (const f of o.flags) list.append(el("li", {}, el("code", {}, f), " ", state.doc.flags[f] || ""));
      section.append(el("p", {}, "Flags:"), list);
    }
    section.append(benchmarkTable(track, o, input));
    return section;
  }

  function rankWords(o) {
    if (o.rank === null) {
      return el("p", { "data-key": "rank", "data-value": "" }, "Not ranked: not a reading a careful reader would cite (see the flags).");
    }
    return el("p", {}, "Would rank ", el("strong", {}, value("rank", o.rank, String(o.rank))), ` of ${o.nCitable + 1} citable readings`,
      " (per active parameter: ", value("rank_active", o.rankActive, String(o.rankActive)), ").");
  }

  function lineWords(o, bound) {
    const line = o.line;
    const words = { above: "above the line's 90% band", inside: "inside the line's 90% band", below: "below the line's 90% band",
      beyond: "outside the dates the line was fitted on, where it has no band (an extrapolation)" };
    const p = el("p", { class: "calc-line", "data-key": "line_position", "data-value": line.position },
      `Against the track's densing-law line on ${line.date}: `, bound, value("line_ratio", line.ratio, sig(line.ratio, 3) + "×"),
      " the line's density ", value("line_density", line.lineDensity, num(line.lineDensity)));
    if (line.bandLow !== null) p.append(" (90% band ", value("band_low", line.bandLow, num(line.bandLow)), "–", value("band_high", line.bandHigh, num(line.bandHigh)), ")");
    p.append(", " + words[line.position] + ".");
    return p;
  }

  function benchmarkTable(track, o, input) {
    const rows = {};
    for (const r of o.rows) rows[r.benchmark] = r;
    const body = el("tbody");
    for (const bench of o.benchmarks) {
      const r = rows[bench];
      const name = state.doc.benchmarks[bench] ? state.doc.benchmarks[bench].name : bench;
      const score = r ? (r.status === "bridged" ? sig(r.value, 4) : String(input.scores[r.entry].value)) : "";
      const size = r && r.effective !== null ? (r.flag.includes("below_ruler") ? "≤ " : r.flag.includes("above_ruler") ? "≥ " : "") + params(r.effective) : "";
      body.append(el("tr", { "data-benchmark": bench }, el("td", {}, name), el("td", {}, score),
        el("td", { "data-key": "benchmark_effective", "data-value": r && r.effective !== null ? String(r.effective) : "" }, size),
        el("td", {}, benchmarkNote(track, o, bench, r, input))));
    }
    const table = el("table", { class: "densing-table calc-bench-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Benchmark"), el("th", { scope: "col" }, "Score read"),
        el("th", { scope: "col" }, "Effective size"), el("th", { scope: "col" }, "Note"))), body);
    return el("div", { class: "calc-scroll" }, el("p", { class: "calc-note" }, `Benchmarks of the track (it needs ${o.minBenchmarks} of ${o.benchmarks.length}):`), table);
  }

  function cliLine(raw, input) {
    const quote = (t) => (/^[A-Za-z0-9._:=@+-]+$/.test(t) ? t : `'${t.replace(/'/g, "'\\''")}'`);
    const parts = ["densing density"];
    if (raw.model) parts.push(`--as-model ${quote(raw.model)}`);
    parts.push(`--params-total ${quote(String(raw.total).trim())}`);
    if (input.paramsActive) parts.push(`--params-active ${quote(String(raw.active).trim())}`);
    parts.push(`--release-date ${input.releaseDate}`);
    if (input.kind !== "base") parts.push(`--kind ${input.kind}`);
    for (const row of raw.rows) if (String(row.value).trim()) parts.push(`--score ${quote(specOf(row))}`);
    return parts.join(" \\\n    ");
  }

  /* ---- one update: check, read, show, keep the address ---- */
  function showErrors(errors) {
    const box = $("calc-errors");
    box.textContent = "";
    box.hidden = !errors.length;
    if (!errors.length) return;
    box.append(el("p", {}, "Please fix these inputs:"));
    const list = el("ul");
    for (const m of errors) list.append(el("li", {}, m));
    box.append(list);
  }

  function update(extraErrors) {
    const raw = readForm();
    const { input, errors } = validate(raw);
    const all = (extraErrors || []).concat(errors);
    history.replaceState(null, "", "?" + toQuery(raw).toString());
    $("calc-link").href = location.href;
    showErrors(all);
    const results = $("calc-results");
    results.textContent = "";
    if (errors.length) {
      $("calc-status").textContent = "No result until the inputs are fixed.";
      $("calc-share").hidden = true;
      return;
    }
    const outcomes = window.DensingEngine.readModel(state.doc, input);
    $("calc-status").textContent = (raw.model ? `Started from recorded model ${raw.model} (its recorded reading is left out of the ranks; editing any input reads the inputs as a new model). ` : "") +
      `Rulers and lines of data ${state.doc.data_version}; every interval is a 90% interval.`;
    const byId = {};
    for (const t of state.doc.tracks) byId[t.id] = t;
    for (const o of outcomes) results.append(trackSection(byId[o.track], o, input));
    $("calc-cli").textContent = cliLine(raw, input);
    $("calc-share").hidden = false;
  }

  function edited() {
    if (state.model) state.model = null;
    update();
  }

  function init() {
    const configNode = $("calc-config");
    if (!configNode) return;
    state.config = JSON.parse(configNode.textContent);
    fetch(state.config.data).then((r) => {
      if (!r.ok) throw new Error(`the rulers could not be loaded (${r.status} for ${state.config.data})`);
      return r.json();
    }).then((doc) => {
      state.doc = doc;
      const { raw, errors, version } = fromQuery(new URLSearchParams(location.search));
      const notes = errors.slice();
      if (version && version !== doc.data_version) {
        notes.push(`This link was made with data ${version}; the numbers below use the rulers of data ${doc.data_version}.`);
      }
      fillForm(raw);
      const form = $("calc-form");
      form.addEventListener("input", (e) => { if (e.target.id !== "calc-preset") edited(); });
      form.addEventListener("submit", (e) => e.preventDefault());
      $("calc-add").addEventListener("click", () => { addRow().querySelector(".calc-value").focus(); });
      $("calc-preset").addEventListener("focus", () => loadPresets().catch((e) => showErrors([e.message])));
      $("calc-preset").addEventListener("change", applyPreset);
      $("calc-preset-fill").addEventListener("click", applyPreset);
      $("calc-preset").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); applyPreset(); } });
      if (location.search) update(notes);
      else { $("calc-status").textContent = `Rulers of data ${doc.data_version} loaded: enter a model, or start from a recorded one.`; showErrors(notes); }
      document.documentElement.setAttribute("data-calculator", "ready");
    }).catch((e) => {
      $("calc-status").textContent = `The calculator cannot run: ${e.message}.`;
      document.documentElement.setAttribute("data-calculator", "failed");
    });
  }

  // The page's scripts come after its content and before the theme's bundle: start at once when the
  // form is already there, without waiting for the bundle (DOMContentLoaded).
  if (document.getElementById("calc-config") || document.readyState !== "loading") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
