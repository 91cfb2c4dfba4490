// Second node:test reporter: after the standard summary, prints one line that says whether the
// suite passed. Top-level tests only; todo tests are reported but never fail the run.
export default async function* summary(source) {
  let pass = 0;
  let fail = 0;
  let todo = 0;
  let skipped = 0;
  const failed = [];
  const todos = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.nesting !== 0 || d.details?.type === 'suite') continue;
    if (d.todo !== undefined && d.todo !== false) {
      todo++;
      todos.push(`${d.name} (${typeof d.todo === 'string' ? d.todo : 'todo'})`);
    } else if (d.skip !== undefined && d.skip !== false) {
      skipped++;
    } else if (event.type === 'test:pass') {
      pass++;
    } else {
      fail++;
      failed.push(d.name);
    }
  }
  let out = '';
  for (const t of todos) out += `TODO (not failing the build): ${t}\n`;
  for (const t of failed) out += `FAILED: ${t}\n`;
  const verdict = fail === 0 && pass + todo > 0 ? 'PASSED' : 'FAILED';
  out += `TypeScript SDK compatibility tests ${verdict}: ${pass} passed, ${fail} failed, ${todo} todo, ${skipped} skipped\n`;
  yield out;
}
