#!/usr/bin/env node
// Adds up the jest JSON report, pytest's JUnit XML and the leak check into `N passed, N failed`.
// Exits non-zero when anything failed or a report is missing.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

const jestFile = path.join(dir, 'jest.json');
if (fs.existsSync(jestFile)) {
  const jest = JSON.parse(fs.readFileSync(jestFile, 'utf8'));
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  // A suite that failed to load (syntax error, failing beforeAll) counts as a failure too.
  const brokenSuites = jest.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed'));
  failed += brokenSuites.length;
  for (const s of brokenSuites) problems.push(`jest suite failed to run: ${s.name}`);
} else {
  failed += 1;
  problems.push('no jest report');
}

for (const name of ['pytest-trainer.xml', 'pytest-tools.xml', 'pytest-tasks.xml']) {
  const pytestFile = path.join(dir, name);
  if (!fs.existsSync(pytestFile)) {
    failed += 1;
    problems.push(`no pytest report ${name}`);
    continue;
  }
  const xml = fs.readFileSync(pytestFile, 'utf8');
  const suite = xml.match(/<testsuite [^>]*>/);
  const attr = (key) => Number((suite?.[0].match(new RegExp(`${key}="(\\d+)"`)) ?? [])[1] ?? 0);
  const bad = attr('failures') + attr('errors');
  passed += attr('tests') - bad - attr('skipped');
  failed += bad;
  skipped += attr('skipped');
}

const leak = path.join(dir, 'leak-check.txt');
if (fs.existsSync(leak) && fs.readFileSync(leak, 'utf8').startsWith('ok')) passed += 1;
else {
  failed += 1;
  problems.push(`leak check: ${fs.existsSync(leak) ? fs.readFileSync(leak, 'utf8').trim() : 'not run'}`);
}

for (const p of problems) console.log(`problem: ${p}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
