// Prints the text of a PDF as pdf.js extracts it (getTextContent, which its
// viewer's text layer, and so copying, is made of): the items' strings in
// order, a line end where pdf.js marks one, a form feed after each page.
// Only pages FIRST.. and text whose baseline lies between Y_MIN and Y_MAX
// (PDF points from the page's foot) are printed.
// Usage: node pdftext.mjs MODULES_DIR FILE.pdf FIRST Y_MIN Y_MAX
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [modules, file, first, yMin, yMax] = process.argv.slice(2);
const pdfjs = await import(pathToFileURL(join(modules, "pdfjs-dist/legacy/build/pdf.mjs")).href);
const doc = await pdfjs.getDocument({
  data: new Uint8Array(readFileSync(file)),
  disableFontFace: true,
  verbosity: 0,
}).promise;
let out = "";
for (let n = Number(first); n <= doc.numPages; n++) {
  const page = await doc.getPage(n);
  const content = await page.getTextContent();
  for (const item of content.items) {
    const y = item.transform[5];
    if (y < Number(yMin) || y > Number(yMax)) continue;
    out += item.str;
    if (item.hasEOL) out += "\n";
  }
  out += "\f";
}
process.stdout.write(out);
