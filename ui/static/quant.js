// Anbao risk-quantification page (/quant): templates into the editor, jumps
// to a model's problem lines, and the ECharts charts of a run's results. The
// Content-Security-Policy allows no inline script, so the data arrives in
// the server writes: the <script type="application/json"> block #quant-templates
// (model files by template id) and the data-chart attribute of #quant-chart-data
// (one run's curves; htmx drops script elements from the partials it swaps in).
(function () {
  "use strict";

  var charts = {}; // element id → ECharts instance

  function byId(id) { return document.getElementById(id); }

  function readJSON(id, attr) {
    var el = byId(id);
    if (!el) { return null; }
    try { return JSON.parse(attr ? el.getAttribute(attr) : el.textContent); } catch (e) { return null; }
  }

  // Number formats in the page's language: whole amounts with separators,
  // compact amounts on axes (100万, 1M), percentages.
  function formats(lang) {
    var loc = lang === "en" ? "en" : "zh-CN";
    var whole = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
    var compact = new Intl.NumberFormat(loc, { notation: "compact", maximumSignificantDigits: 3 });
    return {
      amount: function (x) { return whole.format(x); },
      compact: function (x) { return compact.format(x); },
      pct: function (x, digits) {
        var d = digits === undefined ? 2 : digits;
        return (Math.round(x * 100 * Math.pow(10, d)) / Math.pow(10, d)).toString() + "%";
      }
    };
  }

  // Template select: put the chosen model file into the editor.
  document.addEventListener("change", function (e) {
    var sel = e.target.closest && e.target.closest("[data-quant-template]");
    if (!sel) { return; }
    var texts = readJSON("quant-templates") || {};
    var ta = byId("quant-model");
    if (ta && Object.prototype.hasOwnProperty.call(texts, sel.value)) {
      ta.value = texts[sel.value];
      var box = byId("quant-model-errors");
      if (box) { box.textContent = ""; }
    }
  });

  // A problem's line: select it in the editor.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-quant-line]");
    if (!b) { return; }
    var ta = byId("quant-model");
    if (!ta) { return; }
    var line = parseInt(b.dataset.quantLine, 10) || 1;
    var lines = ta.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    ta.focus();
    ta.setSelectionRange(start, end);
    var lh = parseFloat(window.getComputedStyle(ta).lineHeight) || 20;
    ta.scrollTop = Math.max(0, (line - 4) * lh);
  });

  // Rebuild the library model from the enterprise's fields: a short address
  // instead of the whole form (the editor's text) in the query.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-quant-reload]");
    if (!b || !b.form) { return; }
    e.preventDefault();
    var f = b.form, q = new URLSearchParams();
    ["enterprise", "pi_records", "trials", "seed"].forEach(function (name) {
      var el = f.elements[name];
      if (el && el.value) { q.set(name, el.value); }
    });
    var s = f.elements.sensitive_pi;
    if (s && s.checked) { q.set("sensitive_pi", "on"); }
    Array.prototype.forEach.call(f.querySelectorAll("input[name=controls]:checked"), function (c) { q.append("controls", c.value); });
    window.location.href = "/quant?" + q.toString();
  });

  // A run's 4xx answer is a results partial too (the model's problems, an
  // invalid field): show it instead of the generic error banner.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var d = e.detail, xhr = d.xhr;
    if (!d.target || d.target.id !== "quant-results" || xhr.status < 400 || xhr.status >= 500) { return; }
    if (/text\/html/.test(xhr.getResponseHeader("Content-Type") || "")) {
      d.shouldSwap = true;
      d.isError = false;
    }
  });

  function dispose() {
    Object.keys(charts).forEach(function (id) { charts[id].dispose(); });
    charts = {};
  }

  function lecOption(data, f) {
    var L = data.labels, unit = L.currency;
    var series = [];
    var line = function (name, points, colour, dashed) {
      return {
        type: "line", name: name, data: points, showSymbol: false, smooth: false, color: colour,
        lineStyle: { width: 2, type: dashed ? "dashed" : "solid" },
        areaStyle: dashed ? undefined : { opacity: 0.08 }
      };
    };
    if (data.lec_before && data.lec_before.length) {
      series.push(line(L.lec_before, data.lec_before, "#9ca3af", true));
      series.push(line(L.lec_after, data.lec, "#1d4ed8", false));
    } else {
      series.push(line(L.lec, data.lec, "#1d4ed8", false));
    }
    return {
      animationDuration: 300,
      grid: { left: 56, right: 24, top: series.length > 1 ? 36 : 16, bottom: 52 },
      legend: { show: series.length > 1, top: 0 },
      tooltip: {
        trigger: "axis", renderMode: "richText",
        formatter: function (ps) {
          if (!ps.length) { return ""; }
          var out = L.loss_axis + " > " + f.amount(ps[0].value[0]) + " " + unit;
          ps.forEach(function (p) { out += "\n" + p.seriesName + ": " + f.pct(p.value[1], 3); });
          return out;
        }
      },
      xAxis: {
        type: "log", logBase: 10, name: L.loss_axis + " (" + unit + ")", nameLocation: "middle", nameGap: 30,
        axisLabel: { formatter: function (v) { return f.compact(v); } }, splitLine: { show: true, lineStyle: { color: "#eef0f4" } }
      },
      yAxis: {
        type: "value", min: 0, name: L.prob_axis, nameLocation: "end",
        axisLabel: { formatter: function (v) { return f.pct(v, 1); } }, splitLine: { lineStyle: { color: "#eef0f4" } }
      },
      series: series
    };
  }

  function contributionOption(data, f) {
    var L = data.labels;
    return {
      animationDuration: 300,
      grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
      legend: { top: 0 },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
        formatter: function (ps) {
          if (!ps.length) { return ""; }
          var out = ps[0].name;
          ps.forEach(function (p) { out += "\n" + p.seriesName + ": " + f.pct(p.value, 1); });
          return out;
        }
      },
      xAxis: { type: "value", min: 0, axisLabel: { formatter: function (v) { return f.pct(v, 0); } },
        splitLine: { lineStyle: { color: "#eef0f4" } } },
      yAxis: { type: "category", inverse: true, data: data.names,
        axisLabel: { width: 150, overflow: "truncate" } },
      series: [
        { type: "bar", name: L.mean_share, data: data.mean_share, color: "#1d4ed8", barMaxWidth: 18 },
        { type: "bar", name: L.tvar_share, data: data.tvar_share, color: "#b45309", barMaxWidth: 18 }
      ]
    };
  }

  // draw renders the charts of the results on the page, if any.
  function draw() {
    dispose();
    var data = readJSON("quant-chart-data", "data-chart");
    if (!data || !window.echarts) { return; }
    var f = formats(data.lang);
    var make = function (id, option) {
      var el = byId(id);
      if (!el) { return; }
      var c = window.echarts.init(el, null, { renderer: "canvas" });
      c.setOption(option);
      charts[id] = c;
      el.dataset.drawn = "true";
    };
    if (data.lec && data.lec.length) { make("quant-lec", lecOption(data, f)); }
    if (data.names && data.names.length) { make("quant-contrib", contributionOption(data, f)); }
  }

  document.addEventListener("htmx:afterSettle", function (e) {
    var t = (e.detail && e.detail.target) || e.target;
    if (t && t.id === "quant-results") { draw(); }
  });
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });

  // Save PNG: the chart as drawn, on a white background.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-quant-png]");
    if (!b) { return; }
    var c = charts[b.dataset.quantPng];
    if (!c) { return; }
    var a = document.createElement("a");
    a.href = c.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
    a.download = b.dataset.filename || "chart.png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
})();
