// The calculator's result as a card: the key figure large, the schedule in aligned columns, and a chart
// comparing plans (monthly amount and total interest by number of installments). ECharts, modular
// imports only, SVG so that it stays sharp and light at 375 px.
import { useEffect, useRef, useState } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, AriaComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import Table from "./Table.jsx";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

const FOLDED_ROWS = 4;

function CompareChart({ compare, words }) {
  const box = useRef(null);
  useEffect(() => {
    if (!box.current || compare.length < 2) return undefined;
    const chart = echarts.init(box.current, null, { renderer: "svg" });
    const labels = compare.map((c) => `${c.periods}${words.chart_periods}`);
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 12 } },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: 11, interval: 0 } },
      yAxis: [
        { type: "value", axisLabel: { fontSize: 10 } },
        { type: "value", axisLabel: { fontSize: 10 }, splitLine: { show: false } },
      ],
      series: [
        {
          name: words.chart_monthly,
          type: "bar",
          data: compare.map((c) => ({ value: c.monthly, itemStyle: { color: c.yours ? "#0b57d0" : "#8ab4f8" } })),
        },
        { name: words.chart_interest, type: "line", yAxisIndex: 1, data: compare.map((c) => c.interest), itemStyle: { color: "#b3261e" } },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [compare, words]);
  // What the chart shows, as text: screen readers read this instead of the drawing.
  const described = compare
    .map((c) => `${c.periods}${words.chart_periods}：${words.chart_monthly} ${c.monthly} 元，${words.chart_interest} ${c.interest} 元`)
    .join("；");
  return <div ref={box} className="calc-chart" data-testid="calc-chart" role="img" aria-label={`${words.chart_title}。${described}`} />;
}

export default function CalcCard({ calc, text }) {
  const [all, setAll] = useState(false);
  // Folded: the first rows, a row of "…" for those left out, and the last.
  const gap = calc.columns.map(() => "…");
  const rows =
    all || calc.schedule.length <= FOLDED_ROWS + 1
      ? calc.schedule
      : [...calc.schedule.slice(0, FOLDED_ROWS), gap, calc.schedule[calc.schedule.length - 1]];
  return (
    <div className="calc" data-testid="calc">
      {calc.inputs && (
        <p className="calc-inputs" data-testid="calc-inputs">
          {calc.inputs}
        </p>
      )}
      <p className="calc-key">
        <span className="calc-key-label">{calc.key.label}</span>
        <span className="calc-key-value" data-testid="calc-key">
          {calc.key.value}
        </span>
        <span className="calc-key-unit">元</span>
      </p>
      {calc.facts.length > 0 && (
        <dl className="calc-facts">
          {calc.facts.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {calc.compare.length > 1 && (
        <figure className="calc-figure">
          <figcaption>
            {calc.chart.chart_title}
            <span className="calc-note">{calc.chart.chart_yours}</span>
          </figcaption>
          <CompareChart compare={calc.compare} words={calc.chart} />
        </figure>
      )}
      {calc.schedule.length > 0 && (
        <div className="calc-table-box">
          <Table columns={calc.columns} rows={rows} className="calc-table" testId="calc-table" />
          {calc.schedule.length > FOLDED_ROWS + 1 && (
            <button type="button" className="more" aria-expanded={all} onClick={() => setAll(!all)}>
              {all ? "收起" : `展开全部（${calc.schedule.length} 期）`}
            </button>
          )}
        </div>
      )}
      <details className="calc-detail">
        <summary>详细说明</summary>
        <div className="msg-text">{text}</div>
      </details>
    </div>
  );
}
