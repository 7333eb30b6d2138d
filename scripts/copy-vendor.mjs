// Copies the front-end packages from node_modules into static/vendor (not committed).
// axe-core is a dev dependency for the browser tests' accessibility scans (tests/e2e/helpers.py);
// a production install (`npm ci --omit=dev`, as in the Dockerfile) leaves it out.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";

const vendor = "static/vendor";
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const part of ["css", "fonts", "img", "js"]) {
  cpSync(`node_modules/dkfds/dist/${part}`, `${vendor}/dkfds/${part}`, { recursive: true });
}
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${vendor}/htmx/htmx.min.js`);
if (existsSync("node_modules/axe-core/axe.min.js")) {
  cpSync("node_modules/axe-core/axe.min.js", `${vendor}/axe-core/axe.min.js`);
}
console.log("vendor assets copied to", vendor);
