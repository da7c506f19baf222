// Anbao supervision dashboard (/dashboard): the ECharts charts — the monthly
// trend, incidents by grade and by category, and a bar chart per breakdown
// whose bars drill down like the table rows. The Content-Security-Policy
// allows no inline script: the data comes in <script type="application/json"
// id="dash-data">. The page works without this script (tables and the tile
// map are rendered by the server).
(function () {
  "use strict";

  var palette = ["#1d4ed8", "#15803d", "#b45309", "#b91c1c", "#7c3aed", "#0e7490", "#be185d", "#4b5563"];

  function readData() {
    var el = document.getElementById("dash-data");
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function fmt(lang) {
    var loc = lang === "en" ? "en" : "zh-CN";
    var whole = new Intl.NumberFormat(loc, { maximumFractionDigits: 2 });
    return function (x) { return whole.format(x); };
  }

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var c = window.echarts.init(el);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  function trend(d, num) {
    var c = chart("dash-trend");
    if (!c) { return; }
    c.setOption({
      color: palette,
      grid: { left: 56, right: 56, top: 40, bottom: 64 },
      tooltip: { trigger: "axis", valueFormatter: num },
      legend: { bottom: 0 },
      xAxis: { type: "category", data: d.months },
      yAxis: [
        { type: "value", name: d.labels.premium_wan, axisLabel: { formatter: num } },
        { type: "value", name: d.labels.policies, minInterval: 1, axisLabel: { formatter: num } }
      ],
      series: [
        { name: d.labels.premium_wan, type: "bar", data: d.premium, barMaxWidth: 24 },
        { name: d.labels.paid_wan, type: "bar", data: d.paid, barMaxWidth: 24 },
        { name: d.labels.policies, type: "line", yAxisIndex: 1, data: d.policies }
      ]
    });
  }

  function pie(id, rows) {
    var c = chart(id);
    if (!c || !rows || !rows.length) { return; }
    c.setOption({
      color: palette,
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: rows, label: { formatter: "{b}: {c}" } }]
    });
  }

  function bars(el, d, num) {
    var b = d.bars[el.getAttribute("data-dim")];
    if (!b) { return; }
    var c = window.echarts.init(el);
    window.addEventListener("resize", function () { c.resize(); });
    c.setOption({
      color: palette,
      grid: { left: 56, right: 56, top: 60, bottom: 64 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: num },
      legend: { top: 0 },
      xAxis: { type: "category", data: b.names, axisLabel: { interval: 0, rotate: b.names.length > 8 ? 40 : 0 } },
      yAxis: [
        { type: "value", name: d.labels.premium_wan, axisLabel: { formatter: num } },
        { type: "value", name: d.labels.count, minInterval: 1 }
      ],
      series: [
        { name: d.labels.premium_wan, type: "bar", data: b.premium, barMaxWidth: 32 },
        { name: d.labels.policies, type: "bar", yAxisIndex: 1, data: b.policies, barMaxWidth: 32 },
        { name: d.labels.incidents, type: "bar", yAxisIndex: 1, data: b.incidents, barMaxWidth: 32 }
      ]
    });
    // A bar drills down like its table row.
    c.on("click", function (p) {
      var href = b.links && b.links[p.dataIndex];
      if (href && href.charAt(0) === "/") { window.location.href = href; }
    });
  }

  function draw() {
    var d = readData();
    if (!d || !window.echarts) { return; }
    var num = fmt(d.lang);
    trend(d, num);
    pie("chart-incidents_by_grade", d.grades);
    pie("chart-incidents_by_category", d.categories);
    var els = document.querySelectorAll(".dash-bar[data-dim]");
    for (var i = 0; i < els.length; i++) { bars(els[i], d, num); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
