/* The dashboard's one script: the choice of county, year and date, and the charts (each with its table beside it,
   so nothing is lost without this script). */
(function () {
  "use strict";

  var form = document.querySelector("form.controls");
  if (form) {
    // Enter on the county selector shows the chosen county, as Enter in a text field would.
    var county = form.querySelector("select[name=lan]");
    if (county) {
      county.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        }
      });
    }
    // A year chosen without a date of its own: the year's default date, not the previous year's date.
    var year = form.querySelector("input[name=ar]");
    var day = form.querySelector("input[name=datum]");
    if (year && day) {
      year.addEventListener("change", function () {
        if (day.value.slice(0, 5) !== year.value + "-") { day.value = ""; }
      });
    }
  }

  if (!window.echarts) { return; }
  var numbers = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 1 });
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var unit = data.unit ? "\u00a0" + data.unit : "";
    var figure = element.closest("figure");
    figure.hidden = false;
    element.style.height = Math.max(220, 70 + data.categories.length * Math.max(data.series.length, 1) * 16) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: !still,
      textStyle: { fontFamily: "system-ui, sans-serif", color: "#1b1b1b" },
      legend: { top: 0, show: data.series.length > 1 },
      tooltip: {
        trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" },
        valueFormatter: function (value) { return value == null ? "–" : numbers.format(value) + unit; }
      },
      grid: { left: 8, right: 24, top: data.series.length > 1 ? 36 : 8, bottom: 8 },
      xAxis: { type: "value", axisLabel: { formatter: function (value) { return numbers.format(value); } } },
      yAxis: { type: "category", data: data.categories, inverse: true },
      series: data.series.map(function (series) {
        return { name: series.name, type: "bar", data: series.values };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
