// Draws the assessment's charts from the JSON data blocks beside them (no inline script:
// the page's Content-Security-Policy allows scripts from our own files only). Every chart
// has a table with the same figures, so the page is complete without this script.
const plots = document.querySelectorAll("[data-chart]");

if (plots.length && window.Plotly) {
  for (const element of plots) {
    const data = document.getElementById(element.dataset.chart);
    if (!data) continue;
    const figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, {
      responsive: true,
      // The mode bar's buttons would be focusable inside a chart that assistive technology
      // skips (the table beside it carries the figures).
      displayModeBar: false,
    });
  }
}
