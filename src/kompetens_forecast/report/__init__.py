"""Report-ready outputs: charts (PNG + SVG), the Excel workbook, captions and number formats."""
