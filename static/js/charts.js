// Draws the assessment's charts from the JSON data blocks beside them (no inline script:
// the page's Content-Security-Policy allows scripts from our own files only). Every chart
// has a table with the same figures, so the page is complete without this script.

function drawCharts(root) {
  if (!window.Plotly) return;
  for (const element of root.querySelectorAll("[data-chart]")) {
    if (element.classList.contains("js-plotly-plot")) continue; // drawn already
    // The figure is in the element's data-chart-data (an attribute rather than a script
    // element, which htmx would drop from a part of the page it replaces).
    const raw = element.dataset.chartData;
    if (!raw) continue;
    const figure = JSON.parse(raw);
    window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, {
      responsive: true,
      // The mode bar's buttons would be focusable inside a chart that assistive technology
      // skips (the table beside it carries the figures).
      displayModeBar: false,
    });
  }
}

drawCharts(document);
// Parts of a page that htmx replaces in place (the priority ranking as the weights change)
// bring their chart's data with them: draw it again.
document.body.addEventListener("htmx:afterSettle", () => drawCharts(document));
