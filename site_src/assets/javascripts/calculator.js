/* The density calculator page: loads the rulers of its data version, restores the inputs from the
   address, loads the presets when the preset search is first used, and on every change checks the
   inputs, reads them on every track (density-engine.js) and shows the result (calculator-results.js).
   The form and its checks are in calculator-form.js. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const form = window.DensingCalculatorForm;
  const words = window.DensingCalculatorResults;
  const state = form.state;
  const el = words.el;
  const { addRow, readForm, fillForm, validate, toQuery, fromQuery, parseSpec } = form;
  form.onEdit = () => edited();  // a removed score row

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
    for (const o of outcomes) results.append(words.trackSection(byId[o.track], o, input));
    $("calc-cli").textContent = words.cliLine(raw, input);
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
      const page = $("calc-form");
      page.addEventListener("input", (e) => { if (e.target.id !== "calc-preset") edited(); });
      page.addEventListener("submit", (e) => e.preventDefault());
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
