// Anbao supervision page (/supervision/scores): the score histogram and the
// grades by industry, drawn with ECharts from the data-chart attribute of
// #sup-chart-data (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var gradeColours = { A: "#1a7f37", B: "#4c9f38", C: "#d4a72c", D: "#e16f24", E: "#cf222e" };

  function draw() {
    var el = document.getElementById("sup-chart-data");
    if (!el || !window.echarts) { return; }
    var d;
    try { d = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    var hist = document.getElementById("sup-hist");
    if (hist) {
      var h = window.echarts.init(hist);
      h.setOption({
        grid: { left: 48, right: 16, top: 16, bottom: 48 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.bins, name: d.labels.score, nameLocation: "middle", nameGap: 32 },
        yAxis: { type: "value", minInterval: 1, name: d.labels.count },
        series: [{ type: "bar", data: d.counts, itemStyle: { color: "#1f5fbf" } }]
      });
      window.addEventListener("resize", function () { h.resize(); });
    }
    var grades = document.getElementById("sup-grades");
    if (grades) {
      var g = window.echarts.init(grades);
      g.setOption({
        grid: { left: 48, right: 16, top: 32, bottom: 32 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        xAxis: { type: "category", data: d.sections },
        yAxis: { type: "value", minInterval: 1, name: d.labels.count },
        series: d.grades.map(function (gr) {
          return { name: gr, type: "bar", stack: "grades", data: d.by_section[gr] || [], itemStyle: { color: gradeColours[gr] } };
        })
      });
      window.addEventListener("resize", function () { g.resize(); });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
