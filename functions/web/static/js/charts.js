// Chart helpers over the vendored lightweight-charts (global LightweightCharts), themed to match
// Bootstrap's light/dark mode. Times go in as epoch milliseconds.

const LC = () => window.LightweightCharts;

function themeOptions() {
  const style = getComputedStyle(document.documentElement);
  const text = style.getPropertyValue("--bs-body-color").trim() || "#212529";
  const grid = style.getPropertyValue("--bs-border-color-translucent").trim() || "rgba(0,0,0,.1)";
  return {
    layout: { background: { color: "transparent" }, textColor: text },
    grid: { vertLines: { color: grid }, horzLines: { color: grid } },
  };
}

/** A chart in `container` that follows the theme toggle; returns the lightweight-charts API. */
export function createChart(container, options = {}) {
  const chart = LC().createChart(container, {
    autoSize: true,
    timeScale: { timeVisible: true, secondsVisible: false },
    ...themeOptions(),
    ...options,
  });
  const retheme = () => chart.applyOptions(themeOptions());
  window.addEventListener("fks:theme", retheme);
  const remove = chart.remove.bind(chart);
  chart.remove = () => {
    window.removeEventListener("fks:theme", retheme);
    remove();
  };
  container.dataset.chart = "drawn";
  return chart;
}

const seconds = (ms) => Math.floor(Number(ms) / 1000);

export function candleData(candles) {
  return candles.map((c) => ({
    time: seconds(c.open_time), open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close),
  }));
}

export function addCandles(chart, candles) {
  const series = chart.addSeries(LC().CandlestickSeries, {
    upColor: "#198754", downColor: "#dc3545", borderVisible: false, wickUpColor: "#198754", wickDownColor: "#dc3545",
  });
  series.setData(candleData(candles));
  return series;
}

/** A line from [{time: ms, value}] points; kind "area" fills beneath it. */
export function addLine(chart, points, color = "#0d6efd", kind = "line") {
  const type = kind === "area" ? LC().AreaSeries : LC().LineSeries;
  const options = kind === "area"
    ? { lineColor: color, topColor: `${color}55`, bottomColor: `${color}05`, lineWidth: 2 }
    : { color, lineWidth: 2 };
  const series = chart.addSeries(type, options);
  series.setData(dedupe(points.map((p) => ({ time: seconds(p.time), value: Number(p.value) }))));
  return series;
}

/** Entry and exit arrows of backtest trades on a candle series. */
export function markTrades(series, trades) {
  const markers = [];
  for (const trade of trades) {
    const long = trade.side === "long";
    markers.push({
      time: seconds(trade.entry_time), position: long ? "belowBar" : "aboveBar",
      color: long ? "#198754" : "#dc3545", shape: long ? "arrowUp" : "arrowDown", text: long ? "L" : "S",
    });
    if (trade.exit_time) {
      markers.push({ time: seconds(trade.exit_time), position: "inBar", color: "#6c757d", shape: "circle" });
    }
  }
  markers.sort((a, b) => a.time - b.time);
  return LC().createSeriesMarkers(series, markers);
}

// lightweight-charts needs strictly increasing times: keep the last value of each time.
function dedupe(points) {
  const out = [];
  for (const point of points.sort((a, b) => a.time - b.time)) {
    if (out.length && out[out.length - 1].time === point.time) out[out.length - 1] = point;
    else out.push(point);
  }
  return out;
}
