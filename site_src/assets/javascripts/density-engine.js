/* The density calculator's engine: reads a model's scores on every track exactly as `densing fit`
   does, from calculator.json (written by densing_fit/calculator/export.py). No dependency.

   Each function mirrors one of the fitter's (named in its comment), down to the finite differences
   of the delta method, so that the page, `densing density` and densities_by_track.csv agree to
   1e-6 relative (tests/site/test_calculator_shipped.py checks it in Chromium). */
(function (root) {
  "use strict";

  const BELOW = "below_ruler";
  const ABOVE = "above_ruler";
  const MISMATCH = "protocol_mismatch";
  const UNSTATED = "protocol_unstated";
  const BRIDGED = "bridged";
  const LEFT_OUT = "protocol_left_out";
  const NO_RULER = "no_ruler";
  const SAME_PROTOCOL = 0, MATCHED = 1, UNSTATED_RANK = 2, MISMATCHED = 3;

  const finite = (x) => (Number.isFinite(x) ? x : 0.0);

  /* densing_fit/rulers/curves.py direct_ln_n */
  function directLnN(s, floor, top, slope, mid) {
    if (!(s > floor && s < top)) return NaN;
    const ratio = (top - floor) / (s - floor) - 1.0;
    return mid - Math.log(ratio) / slope;
  }

  /* densing_fit/rulers/curves.py loss_from_score */
  function lossFromScore(s, c, gamma, l, d) {
    if (!(s > d && s < c + d)) return NaN;
    const ratio = c / (s - d) - 1.0;
    return l - Math.log(ratio) / gamma;
  }

  /* densing_fit/rulers/loss_law.py law_ln_n (with curves.py unscale_loss_params) */
  function lawLnN(loss, d0, theta, scales) {
    const alpha = theta[1], beta = theta[3];
    const a = Math.exp(theta[0] + alpha * Math.log(scales.n));
    const b = Math.exp(theta[2] + beta * Math.log(scales.d));
    const floor = b * Math.pow(d0, -beta) + (theta.length === 5 ? theta[4] : 0.0);
    const rest = loss - floor;
    return rest > 0 ? (Math.log(a) - Math.log(rest)) / alpha : NaN;
  }

  /* densing_fit/rulers/optimize.py delta_method_se: central differences, step 1e-6 * max(|theta_i|, 1e-3) */
  function deltaMethodSe(func, theta, cov) {
    const n = theta.length;
    const grad = new Array(n);
    for (let i = 0; i < n; i++) {
      const step = 1e-6 * Math.max(Math.abs(theta[i]), 1e-3);
      const up = theta.slice();
      const down = theta.slice();
      up[i] += step;
      down[i] -= step;
      grad[i] = (func(up) - func(down)) / (2 * step);
    }
    let variance = 0.0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) variance += grad[i] * cov[i][j] * grad[j];
    }
    return Math.sqrt(Math.max(variance, 0.0));
  }

  /* densing_fit/rulers/effective.py Extrapolation.factor */
  function extrapolationFactor(lnN, range) {
    const low = Math.log(range[0]), high = Math.log(range[1]);
    return Math.exp(Math.max(0.0, Math.max(lnN - high, low - lnN)));
  }

  /* densing_fit/rulers/effective.py read_off (one score) */
  function readOff(lnNOf, theta, cov, below, reach, extrapolation) {
    const lnLo = Math.log(reach[0]), lnHi = Math.log(reach[1]);
    const lnN = lnNOf(theta);
    const defined = Number.isFinite(lnN);
    const tooLow = below || (defined && lnN < lnLo);
    const tooHigh = !tooLow && (!defined || lnN > lnHi);
    const flag = tooLow ? BELOW : tooHigh ? ABOVE : "";
    const value = tooLow ? lnLo : tooHigh ? lnHi : lnN;
    let se = 0.0;
    if (flag === "") se = deltaMethodSe((t) => finite(lnNOf(t)), theta, cov);
    if (!Number.isFinite(se)) se = 0.0;
    let factor = 1.0;
    if (flag === "") {
      factor = extrapolationFactor(value, extrapolation.range);
      const sd = extrapolation.kappa * Math.log(factor);
      se = Math.sqrt(se * se + sd * sd);
    }
    return { value: Math.exp(value), flag: flag, se: se, factor: factor, chained: false };
  }

  /* DirectRuler / TwoStepRuler / ChainedRuler .effective_params_batch (one score) */
  function readScore(est, s, scales) {
    if (est.kind === "chained") return readChained(est, s, scales);
    const extrapolation = { range: est.reference_range, kappa: est.kappa };
    if (est.kind === "direct") {
      const lnNOf = (t) => directLnN(s, est.floor, t[0], t[1], t[2]);
      return readOff(lnNOf, est.theta, est.cov, s <= est.floor, est.reach, extrapolation);
    }
    const k = est.n_loss;
    const lnNOf = (t) => lawLnN(lossFromScore(s, t[k], t[k + 1], t[k + 2], t[k + 3]), est.d0_tokens, t.slice(0, k), scales);
    const below = s <= est.floor || s <= est.theta[k + 3];
    return readOff(lnNOf, est.theta, est.cov, below, est.reach, extrapolation);
  }

  /* densing_fit/rulers/chain.py ChainedRuler.effective_params_batch */
  function readChained(est, s, scales) {
    const base = readScore(est.base, s, scales);
    const upper = readScore(est.upper, s, scales);
    const lnUpper = Math.log(upper.value) + est.ln_k;
    const seUpper = Math.sqrt(upper.se * upper.se + est.se_k * est.se_k);
    const baseExact = base.flag === "", upperExact = upper.flag === "";
    const inside = baseExact && base.factor <= 1.0;
    const preferUpper = upperExact && (!baseExact || seUpper < base.se);
    const bothAbove = base.flag === ABOVE && upper.flag === ABOVE;
    const useUpper = !inside && (preferUpper || bothAbove) && base.flag !== BELOW;
    let value = useUpper ? Math.exp(lnUpper) : base.value;
    if (bothAbove) value = Math.max(base.value, Math.exp(lnUpper));
    return {
      value: value,
      flag: useUpper ? upper.flag : base.flag,
      se: useUpper ? (upperExact ? seUpper : 0.0) : base.se,
      factor: useUpper ? upper.factor : base.factor,
      chained: useUpper,
    };
  }

  /* densing_fit/reading/protocols.py in_family */
  function protocolFamily(slug, families) {
    for (const id of Object.keys(families)) {
      if (new RegExp(families[id].pattern).test(slug || "")) return id;
    }
    return null;
  }
  const inFamily = (slug, family, families) => protocolFamily(slug, families) === family || slug === family;

  /* densing_fit/reading/selection.py protocol_rank */
  function protocolRank(shots, cot, protocol, setting) {
    if (setting.protocol != null && protocol === setting.protocol) return SAME_PROTOCOL;
    let stated = true;
    for (const [value, wanted] of [[shots, setting.shots], [cot, setting.cot]]) {
      if (wanted == null) continue;
      if (value == null) stated = false;
      else if (value !== wanted) return MISMATCHED;
    }
    return stated ? MATCHED : UNSTATED_RANK;
  }

  /* densing_fit/reading/track_select.py score_status */
  function scoreStatus(entry, setting, allowUnstated) {
    if (setting.protocol != null && entry.protocol === setting.protocol) return "";
    const rank = protocolRank(entry.shots, entry.cot, null, { shots: setting.shots, cot: setting.cot });
    if (rank === MISMATCHED) return MISMATCH;
    if (rank === UNSTATED_RANK && !allowUnstated) return UNSTATED;
    return "";
  }

  /* densing_fit/reading/selection.py select_scores: per benchmark the best protocol rank, then the first given */
  function chooseBest(entries, setting) {
    let best = null;
    for (const e of entries) {
      const rank = protocolRank(e.shots, e.cot, e.protocol, setting);
      if (best === null || rank < best.rank) best = { entry: e, rank: rank };
    }
    return best;
  }

  /* densing_fit/reading/track_select.py select_track_scores (the bridges given as fitted) */
  function selectTrackScores(doc, track, entries, allowUnstated) {
    const families = doc.protocol_families;
    const includeMismatched = Boolean(doc.options.include_mismatched);
    const chosen = {};
    for (const bench of track.benchmarks) {
      const setting = track.settings[bench];
      const standard = doc.benchmarks[bench] ? doc.benchmarks[bench].default_cot : null;
      const own = entries
        .filter((e) => e.benchmark === bench)
        .filter((e) => track.protocol_family == null || inFamily(e.protocol, track.protocol_family, families))
        .map((e) => Object.assign({}, e, { cot: e.cot == null && standard != null ? standard : e.cot }));
      const best = chooseBest(own, setting);
      if (best === null) continue;
      const status = scoreStatus(best.entry, setting, allowUnstated);
      chosen[bench] = {
        benchmark: bench, entry: best.entry.index, value: best.entry.value, status: status,
        used: status === "" || includeMismatched, shotsUnstated: best.rank === UNSTATED_RANK, bridgeSd: 0.0,
      };
    }
    for (const bridge of track.bridges) {
      const own = chosen[bridge.benchmark];
      if (own && own.used) continue;
      const source = entries.filter((e) => e.benchmark === bridge.source_benchmark && inFamily(e.protocol, bridge.source, families));
      const best = chooseBest(source, track.settings[bridge.benchmark]);
      if (best === null) continue;
      const x = best.entry.value;
      const spread = 1.0 + 1.0 / bridge.n_pairs + ((x - bridge.x_mean) * (x - bridge.x_mean)) / bridge.sxx;
      chosen[bridge.benchmark] = {
        benchmark: bridge.benchmark, entry: best.entry.index, value: bridge.intercept + bridge.slope * x,
        status: BRIDGED, used: true, shotsUnstated: false, bridgeSd: bridge.residual_sd * Math.sqrt(spread),
      };
    }
    return chosen;
  }

  /* densing_fit/reading/density.py read_scores (one chosen score) */
  function readChosen(doc, track, row) {
    const est = track.estimators[row.benchmark];
    if (!est) return Object.assign({}, row, { used: false, flag: NO_RULER, effective: null, se: 0.0 });
    if (!row.used) return Object.assign({}, row, { flag: row.status, effective: null, se: 0.0 });
    const scales = doc.constants.scales;
    const size = readScore(est, row.value, scales);
    let se = size.se;
    if (row.bridgeSd > 0) {
      const h = doc.constants.slope_step;
      const step = readScore(est, row.value + h, scales).value;
      const back = readScore(est, row.value - h, scales).value;
      const slope = (Math.log(step) - Math.log(back)) / (2 * h);
      se = size.flag === "" ? Math.sqrt(se * se + (slope * row.bridgeSd) * (slope * row.bridgeSd)) : 0.0;
    }
    const marks = [size.chained ? "chained" : "", size.factor > 1.0 + 1e-9 ? "extrapolated" : ""];
    const flag = [row.status, size.flag, ...marks].filter(Boolean).join(";");
    return Object.assign({}, row, { flag: flag, effective: size.value, se: se });
  }

  /* densing_fit/reading/density.py _aggregate */
  function aggregate(doc, track, rows) {
    const used = rows.filter((r) => r.used);
    const flags = new Set();
    for (const r of used) for (const f of r.flag.split(";")) if (f && f !== NO_RULER) flags.add(f);
    if (used.some((r) => r.shotsUnstated)) flags.add(UNSTATED);
    if (rows.some((r) => !r.used && (r.status === MISMATCH || r.status === UNSTATED))) flags.add(LEFT_OUT);
    if (used.length < track.benchmarks.length) flags.add("missing_benchmarks");
    if (used.length < Math.max(track.min_benchmarks, 1)) {
      flags.add("too_few_benchmarks");
      [BELOW, ABOVE, BRIDGED].forEach((f) => flags.delete(f));
      return { value: null, low: null, high: null, n: used.length, flags: flags };
    }
    const value = Math.exp(used.reduce((sum, r) => sum + Math.log(r.effective), 0.0) / used.length);
    if (used.some((r) => r.flag.includes(BELOW) || r.flag.includes(ABOVE))) {
      return { value: value, low: null, high: null, n: used.length, flags: flags };
    }
    const se = Math.sqrt(used.reduce((sum, r) => sum + r.se * r.se, 0.0)) / used.length;
    const spread = Math.exp(doc.constants.z90 * se);
    return { value: value, low: value / spread, high: value * spread, n: used.length, flags: flags };
  }

  /* densing_fit/track_fit.py read_track + densing_fit/reading/table.py densities_table, for one model */
  function readOnce(doc, track, model, allowUnstated) {
    const chosen = selectTrackScores(doc, track, model.scores, allowUnstated);
    const rows = track.benchmarks.filter((b) => chosen[b]).map((b) => readChosen(doc, track, chosen[b]));
    return { rows: rows, agg: aggregate(doc, track, rows) };
  }

  function readTrack(doc, track, model) {
    let reading = readOnce(doc, track, model, track.allow_unstated);
    let fallback = false;
    if (track.unstated_fallback && !track.allow_unstated && reading.agg.value === null) {
      const lax = readOnce(doc, track, model, true);
      if (lax.agg.value !== null) { reading = lax; fallback = true; }
    }
    const agg = reading.agg;
    const flags = new Set(agg.flags);
    const imprecise = agg.low !== null && (agg.low <= 0 || agg.high / agg.low > doc.constants.imprecise_spread);
    if (model.kind !== "base") flags.add("not_base");
    if (imprecise) flags.add("imprecise");
    const bound = flags.has(ABOVE) ? "at_least" : flags.has(BELOW) ? "at_most" : null;
    const exact = agg.value !== null && !flags.has(ABOVE) && !flags.has(BELOW) && !imprecise;
    const citable = agg.low !== null && !doc.cite_blockers.some((f) => flags.has(f));
    const reference = track.reference_models.indexOf(model.modelId) >= 0;
    if (reference) flags.add("reference_model");
    const active = model.paramsActive || model.paramsTotal;
    const per = (x, n) => (x === null ? null : x / n);
    const out = {
      track: track.id, label: track.label, ruler: track.ruler, benchmarks: track.benchmarks,
      minBenchmarks: track.min_benchmarks, nBenchmarks: agg.n, fallback: fallback,
      effectiveParams: agg.value, effectiveParamsLow: agg.low, effectiveParamsHigh: agg.high,
      density: per(agg.value, model.paramsTotal), densityLow: per(agg.low, model.paramsTotal),
      densityHigh: per(agg.high, model.paramsTotal), densityActive: per(agg.value, active),
      densityActiveLow: per(agg.low, active), densityActiveHigh: per(agg.high, active),
      flags: Array.from(flags).sort(), bound: bound, citable: citable,
      inTrend: model.kind === "base" && exact && !fallback && !reference,
      rows: reading.rows,
    };
    const others = track.citable.filter((c) => c[0] !== model.modelId);  // [model, density, density per active parameter when it differs]
    out.nCitable = others.length;
    out.rank = citable ? rankAmong(others, 1, out.density, model.modelId) : null;
    out.rankActive = citable ? rankAmong(others, 2, out.densityActive, model.modelId) : null;
    out.line = out.density === null ? null : linePlacement(track.trend, model.releaseDate, out.density);
    return out;
  }

  /* densing_fit/calculator/placing.py rank_among */
  function rankAmong(citable, column, value, modelId) {
    let ahead = 0;
    for (const c of citable) {
      const other = c[column] === undefined ? c[1] : c[column];
      if (other > value || (other === value && c[0] < modelId)) ahead++;
    }
    return ahead + 1;
  }

  const DAY = 86400000;
  const dayNumber = (iso) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY;

  /* densing_fit/calculator/placing.py band_samples, band_at, line_placement */
  function linePlacement(trend, date, density) {
    if (trend.slope_per_day == null || trend.intercept == null || !trend.t0) return null;
    const t = dayNumber(date) - dayNumber(trend.t0.slice(0, 10));
    const line = Math.exp(trend.slope_per_day * t + trend.intercept);
    const seen = new Map();
    for (const p of trend.band) if (p[1] && p[2] && !seen.has(p[0])) seen.set(p[0], [dayNumber(p[0]), Math.log(p[1]), Math.log(p[2])]);
    const samples = Array.from(seen.values()).sort((a, b) => a[0] - b[0]);
    const day = dayNumber(date);
    let band = null;
    if (samples.length && day >= samples[0][0] && day <= samples[samples.length - 1][0]) {
      band = [Math.exp(samples[0][1]), Math.exp(samples[0][2])];
      for (let i = 0; i + 1 < samples.length; i++) {
        const [d0, lo0, hi0] = samples[i], [d1, lo1, hi1] = samples[i + 1];
        if (d0 <= day && day <= d1) {
          const w = (day - d0) / (d1 - d0);
          band = [Math.exp(lo0 * (1 - w) + lo1 * w), Math.exp(hi0 * (1 - w) + hi1 * w)];
          break;
        }
      }
    }
    const position = band === null ? "beyond" : density > band[1] ? "above" : density < band[0] ? "below" : "inside";
    return {
      date: date, lineDensity: line, ratio: density / line, bandLow: band && band[0], bandHigh: band && band[1],
      position: position, confidence: trend.confidence,
    };
  }

  /* Every track's reading of `model` ({paramsTotal, paramsActive, releaseDate, kind, modelId,
     scores: [{benchmark, value, shots, cot, protocol}]}) */
  function readModel(doc, model) {
    const scores = model.scores.map((s, i) => Object.assign({ index: i }, s));
    const m = Object.assign({}, model, { scores: scores });
    return doc.tracks.map((track) => readTrack(doc, track, m));
  }

  root.DensingEngine = { readModel: readModel, readScore: readScore, linePlacement: linePlacement, protocolFamily: protocolFamily };
})(typeof window !== "undefined" ? window : globalThis);
