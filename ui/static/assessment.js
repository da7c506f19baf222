// Anbao assessment page: the factor chart, the loss exceedance curve and the
// score history, drawn with ECharts from the data-chart attribute of
// #asm-chart-data (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("asm-chart-data");
    if (!el || !window.echarts) { return; }
    var d;
    try { d = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    var loc = d.lang === "en" ? "en" : "zh-CN";
    var compact = new Intl.NumberFormat(loc, { notation: "compact", maximumSignificantDigits: 3 });
    var charts = [];
    function chart(id, option) {
      var box = document.getElementById(id);
      if (!box) { return; }
      var c = window.echarts.init(box);
      c.setOption(option);
      charts.push(c);
    }
    if (d.factors && d.factors.length) {
      chart("asm-factor-chart", {
        grid: { left: 150, right: 24, top: 8, bottom: 24 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: d.factors.slice().reverse(), axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ type: "bar", data: d.scores.slice().reverse().map(function (v) {
          return { value: v, itemStyle: { color: v >= 85 ? "#1a7f37" : v >= 70 ? "#4c9f38" : v >= 55 ? "#d4a72c" : v >= 40 ? "#e16f24" : "#cf222e" } };
        }), label: { show: true, position: "right" } }]
      });
    }
    if (d.lec && d.lec.length) {
      chart("asm-lec-chart", {
        grid: { left: 56, right: 16, top: 16, bottom: 48 },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return (v * 100).toFixed(2) + "%"; } },
        xAxis: { type: "log", name: d.labels.loss, nameLocation: "middle", nameGap: 30, axisLabel: { formatter: function (v) { return compact.format(v); } } },
        yAxis: { type: "value", name: d.labels.prob, axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } } },
        series: [{ type: "line", showSymbol: false, data: d.lec.filter(function (p) { return p[0] > 0; }), areaStyle: { opacity: 0.15 } }]
      });
    }
    if (d.history && d.history.length > 1) {
      chart("asm-history-chart", {
        grid: { left: 40, right: 16, top: 16, bottom: 32 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "time" },
        yAxis: { type: "value", min: 0, max: 100, name: d.labels.score },
        series: [{ type: "line", step: "end", data: d.history }]
      });
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
