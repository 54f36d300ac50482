/* The density calculator's results in words: per track the density and effective size with their 90%
   intervals (or the bound), the rank, the place against the densing-law line, the flags and each
   benchmark's note; and the same inputs as a `densing density` command line. Every number carries its
   full value in data-value. Used by calculator.js; record text is only ever set as text. */
(function () {
  "use strict";
  const form = window.DensingCalculatorForm;
  const state = form.state;
  /* ---- numbers in words (densing_site/text/formatting.py) ---- */
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
    for (const row of raw.rows) if (String(row.value).trim()) parts.push(`--score ${quote(form.specOf(row))}`);
    return parts.join(" \\\n    ");
  }

  window.DensingCalculatorResults = { el: el, trackSection: trackSection, cliLine: cliLine };
})();
