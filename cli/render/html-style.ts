/** What every offline HTML page of the CLI shares: type, headings, chart grid, tables, footer. */
export const BASE_STYLE = `
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; margin: 0; background: #f9fafb; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 18px; margin: 32px 0 8px; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
  .charts figure { margin: 0; background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px; }
  .charts svg { width: 100%; height: auto; }
  table { border-collapse: collapse; background: #fff; font-variant-numeric: tabular-nums; font-size: 13px; }
  th, td { padding: 4px 10px; border-bottom: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
  th { background: #f3f4f6; }
  footer { color: #6b7280; font-size: 13px; margin-top: 32px; }
`;
