#!/usr/bin/env node
// Check FHIR R4 JSON with FHIR.js (the npm package `fhir`), offline: a second validator
// beside the R4B models of fhir.resources that the Python tests use.
//
//   node scripts/validate-fhir.js FILE...
//
// A FILE ending in .ndjson holds one resource a line (a bulk export); any other holds one
// resource (a Bundle, say: FHIR.js checks the resources of its entries too). Elements R4 does
// not define are errors here (errorOnUnexpected), not warnings. Prints each error, with the
// file, line, resource and place, and exits 1 if there was any; 2 if a file cannot be read
// or FHIR.js is not installed.
'use strict';

const fs = require('fs');

function fhirJs() {
  try {
    return require('fhir');
  } catch (error) {
    console.error(`FHIR.js is not installed (${error.message}): run \`npm ci\` (or \`make setup\`).`);
    process.exit(2);
  }
}

const fhir = new (fhirJs().Fhir)(); // FHIR.js's own R4 definitions: nothing is fetched
const FAILING = new Set(['error', 'fatal']);

function resourcesOf(path) {
  const text = fs.readFileSync(path, 'utf8');
  if (!path.endsWith('.ndjson')) {
    return [{ where: path, resource: JSON.parse(text) }];
  }
  return text
    .split('\n')
    .map((line, index) => ({ where: `${path}:${index + 1}`, line }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ where, line }) => ({ where, resource: JSON.parse(line) }));
}

function problemsOf(where, resource) {
  const { messages } = fhir.validate(resource, { errorOnUnexpected: true });
  return messages
    .filter((message) => FAILING.has(message.severity))
    .map((m) => `${where}: ${m.severity}: ${m.resourceId || ''} ${m.location || ''}: ${m.message}`);
}

function main(paths) {
  if (paths.length === 0) {
    console.error('usage: node scripts/validate-fhir.js FILE...');
    return 2;
  }
  const problems = [];
  let checked = 0;
  for (const path of paths) {
    let found;
    try {
      found = resourcesOf(path);
    } catch (error) {
      console.error(`${path}: cannot be read as FHIR JSON: ${error.message}`);
      return 2;
    }
    for (const { where, resource } of found) {
      problems.push(...problemsOf(where, resource));
      checked += 1;
    }
  }
  problems.forEach((problem) => console.log(problem));
  console.log(`${checked} ${checked === 1 ? 'resource' : 'resources'} checked, ${problems.length} errors`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
