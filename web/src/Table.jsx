// A plain data table: column headings and rows of cells (the calculator's schedule, a letter's evidence
// log, the list of earlier calls).
export default function Table({ columns, rows, className, testId, caption }) {
  return (
    <table className={className} data-testid={testId}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={r}>
            {row.map((cell, c) => (
              <td key={c}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
