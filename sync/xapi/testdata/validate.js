// Validates the xAPI statements of a JSON array file with Learning Locker's
// xapi-validation; prints the problems and exits 1 if any.
const validate = require("@learninglocker/xapi-validation").default;
const statements = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
let bad = 0;
for (const st of statements) {
  const warnings = validate(st);
  if (warnings.length > 0) {
    bad++;
    console.log(st.id, JSON.stringify(warnings.map((w) => ({ path: w.path, name: w.name }))));
  }
}
console.log(`${statements.length} statements, ${bad} invalid`);
process.exit(bad > 0 ? 1 : 0);
