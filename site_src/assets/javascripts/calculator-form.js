/* The density calculator's form: the checks of its inputs (the same as densing_fit/calculator/inputs.py,
   with the same words), the score rows, and the page's address, which holds every input (score specs
   as `densing density --score` reads them). Used by calculator.js; record text is only ever set as text. */
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
  const form = { state: state, onEdit: () => {} };

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
    remove.addEventListener("click", () => { tr.remove(); form.onEdit(); });
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


  Object.assign(form, { addRow: addRow, readForm: readForm, fillForm: fillForm, validate: validate,
    toQuery: toQuery, fromQuery: fromQuery, parseSpec: parseSpec, specOf: specOf });
  window.DensingCalculatorForm = form;
})();
