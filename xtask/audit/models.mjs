// PeerTube's TypeScript models, read by the TypeScript type checker, as JSON for
// `cargo xtask audit`.
//
//   node models.mjs --tarball PATH --dir DIR [--integrity sha512-...] < request.json
//
// Unpacks the `@peertube/peertube-types` tarball at PATH into DIR (once), type-checks the
// package and prints, for each type the request asks for (`{"names": [...], "exprs": [...]}`:
// names the package exports, and types written against it such as `VideoConstant<number>`),
// its properties with their optionality and types, and the same for every named type those
// refer to. The checker resolves what matters here: `extends`, `Partial<>`,
// `Omit<>`, intersections, aliases, generic instantiations and `typeof X[keyof typeof X]`
// enums (which become unions of literals).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import ts from 'typescript';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--tarball') args.tarball = value;
    else if (flag === '--dir') args.dir = value;
    else if (flag === '--integrity') args.integrity = value;
    else throw new Error(`unexpected argument ${flag}`);
  }
  if (!args.tarball || !args.dir) throw new Error('usage: models.mjs --tarball PATH --dir DIR < request.json');
  return args;
}

// A ustar/pax reader for the declaration files of an npm tarball (npm writes ustar with pax
// headers for long paths).
function unpack(tarball, dir, integrity) {
  const packed = fs.readFileSync(tarball);
  if (integrity) {
    const actual = `sha512-${crypto.createHash('sha512').update(packed).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${tarball} has integrity ${actual}, not the pinned ${integrity}: delete it to fetch it again`);
  }
  const done = path.join(dir, '.unpacked');
  if (fs.existsSync(done)) return;
  const data = zlib.gunzipSync(packed);
  const text = (from, length) => data.toString('utf8', from, from + length).replace(/\0.*$/s, '');
  let offset = 0;
  let paxPath = null;
  while (offset + 512 <= data.length) {
    const name = text(offset, 100);
    if (name === '') break;
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(data[offset + 156]);
    const prefix = text(offset + 345, 155);
    const body = data.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      paxPath = match ? match[1] : null;
      continue;
    }
    const entry = paxPath ?? (prefix ? `${prefix}/${name}` : name);
    paxPath = null;
    if (type !== '0' && type !== '\0') continue;
    if (!entry.endsWith('.d.ts') && !entry.endsWith('package.json')) continue;
    const target = path.resolve(dir, entry);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`tarball entry outside its folder: ${entry}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, body);
  }
  fs.writeFileSync(done, '');
}

// TypeScript's own generic types; every other name in a requested type is the package's.
const GLOBAL_TYPES = new Set(['Array', 'Date', 'Exclude', 'Extract', 'NonNullable', 'Omit', 'Partial', 'Pick', 'Readonly', 'Record', 'Required']);

// `Partial<VideoConstant<number>>` -> `Partial<P.VideoConstant<number>>`.
function qualify(expr) {
  const source = ts.createSourceFile('expr.ts', `type T = ${expr};`, ts.ScriptTarget.ES2022);
  const starts = [];
  const visit = (node) => {
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !GLOBAL_TYPES.has(node.typeName.text)) {
      starts.push(node.typeName.getStart(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let text = source.text;
  for (const start of starts.sort((a, b) => b - a)) text = `${text.slice(0, start)}P.${text.slice(start)}`;
  return text.slice('type T = '.length, -1);
}

function program(dir, exprs) {
  const entry = path.resolve(dir, 'package/index.d.ts');
  const probe = path.resolve(dir, '__audit__.ts');
  const lines = [`import type * as P from './package/index';`];
  exprs.forEach((expr, i) => lines.push(`export type Requested${i} = ${qualify(expr)};`));
  const probeText = lines.join('\n') + '\n';
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === probe ? ts.createSourceFile(file, probeText, language) : getSourceFile.call(host, file, language, ...rest);
  host.fileExists = (file) => path.resolve(file) === probe || fileExists.call(host, file);
  host.readFile = (file) => (path.resolve(file) === probe ? probeText : readFile.call(host, file));
  const prog = ts.createProgram([probe], options, host);
  const checker = prog.getTypeChecker();
  const entryFile = prog.getSourceFile(entry);
  if (!entryFile) throw new Error(`no ${entry} in the package`);
  const probeFile = prog.getSourceFile(probe);
  // A requested type this release does not have (an older name, say) reads as `null`.
  const failed = new Set();
  for (const diagnostic of ts.getPreEmitDiagnostics(prog, probeFile)) {
    if (diagnostic.start === undefined) continue;
    const { line } = probeFile.getLineAndCharacterOfPosition(diagnostic.start);
    failed.add(line - 1);
  }
  return { checker, entryFile, probeFile, failed };
}

function extract(checker, entryFile, probeFile, failed, request) {
  const F = ts.TypeFlags;
  const moduleSymbol = checker.getSymbolAtLocation(entryFile);
  const byName = new Map(); // exported name -> declared symbol
  const exported = new Map(); // declared symbol -> exported name
  for (let symbol of checker.getExportsOfModule(moduleSymbol)) {
    const name = symbol.name;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Enum))) continue;
    exported.set(symbol, name);
    byName.set(name, symbol);
  }

  const isGenericInstance = (type) =>
    (type.aliasTypeArguments?.length ?? 0) > 0 ||
    ((type.objectFlags & ts.ObjectFlags.Reference) !== 0 && (checker.getTypeArguments(type)?.length ?? 0) > 0);
  // The name of a type declared under a name of its own (not a generic instance): it becomes a
  // reference, described once.
  const nameOf = (type) => {
    if (type.aliasSymbol && !(type.aliasTypeArguments?.length > 0)) {
      return exported.get(type.aliasSymbol) ?? type.aliasSymbol.name;
    }
    if (type.symbol && (type.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) && !isGenericInstance(type)) {
      return exported.get(type.symbol) ?? type.symbol.name;
    }
    return null;
  };

  const isFunction = (type) =>
    checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0 && checker.getPropertiesOfType(type).length === 0;
  const pending = [];
  const queued = new Map(); // name -> type
  const expanding = new Set();
  function describe(type, expand = false) {
    const f = type.flags;
    if (f & F.Any) return { kind: 'any' };
    if (f & F.Unknown) return { kind: 'unknown' };
    if (f & F.Never) return { kind: 'never' };
    if (f & (F.Undefined | F.Void)) return { kind: 'undefined' };
    if (f & F.Null) return { kind: 'null' };
    if (f & F.StringLiteral) return { kind: 'literal', value: type.value };
    if (f & F.NumberLiteral) return { kind: 'literal', value: type.value };
    if (f & F.BooleanLiteral) return { kind: 'literal', value: type.intrinsicName === 'true' };
    if (f & (F.String | F.TemplateLiteral | F.StringMapping)) return { kind: 'string' };
    if (f & (F.Number | F.BigInt | F.BigIntLiteral)) return { kind: 'number' };
    if (f & F.Boolean) return { kind: 'boolean' };
    if (f & F.TypeParameter) return { kind: 'any' };
    // An enum (a named union of literals) is a reference, so that its name shows.
    if (!expand && type.isUnion() && type.aliasSymbol && exported.has(type.aliasSymbol) && !(type.aliasTypeArguments?.length > 0) &&
        type.types.every((t) => t.flags & (F.StringLiteral | F.NumberLiteral))) {
      const name = exported.get(type.aliasSymbol);
      if (!queued.has(name)) {
        queued.set(name, type);
        pending.push(name);
      }
      return { kind: 'ref', name };
    }
    if (type.isUnion()) {
      let members = type.types.map((t) => describe(t));
      const isBool = (m, v) => m.kind === 'literal' && m.value === v;
      if (members.some((m) => isBool(m, true)) && members.some((m) => isBool(m, false))) {
        members = members.filter((m) => !(m.kind === 'literal' && typeof m.value === 'boolean'));
        members.push({ kind: 'boolean' });
      }
      return members.length === 1 ? members[0] : { kind: 'union', of: members };
    }
    if (!(f & (F.Object | F.Intersection))) return { kind: 'any' };
    if (checker.isArrayType(type)) return { kind: 'array', items: describe(checker.getTypeArguments(type)[0]) };
    if (checker.isTupleType(type)) return { kind: 'tuple', items: checker.getTypeArguments(type).map((t) => describe(t)) };
    const symbolName = type.symbol?.name;
    if (symbolName === 'Date') return { kind: 'date' };
    // Files a client uploads: the document writes them as binary strings.
    if (symbolName === 'Blob' || symbolName === 'File' || symbolName === 'Buffer') return { kind: 'any' };
    if (isFunction(type)) return { kind: 'function' };
    const name = nameOf(type);
    if (name && !expand) {
      if (!queued.has(name)) {
        queued.set(name, type);
        pending.push(name);
      }
      return { kind: 'ref', name };
    }
    // Only types declared in PeerTube's models are worth expanding (not Node's or a library's).
    if (expanding.has(type) || expanding.size > 24) return { kind: 'any' };
    expanding.add(type);
    const properties = {};
    for (const property of checker.getPropertiesOfType(type)) {
      const propertyType = checker.getTypeOfSymbol(property);
      if (isFunction(propertyType)) continue;
      let optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      let described = describe(propertyType);
      if (described.kind === 'union' && described.of.some((m) => m.kind === 'undefined')) {
        optional = true;
        const rest = described.of.filter((m) => m.kind !== 'undefined');
        described = rest.length === 1 ? rest[0] : { kind: 'union', of: rest };
      } else if (described.kind === 'undefined') {
        optional = true;
      }
      properties[property.name] = { optional, type: described };
    }
    const object = { kind: 'object', properties };
    for (const info of checker.getIndexInfosOfType(type)) object.index = describe(info.type);
    expanding.delete(type);
    return object;
  }

  const requested = {};
  const probeSymbol = checker.getSymbolAtLocation(probeFile);
  const probeExports = new Map(checker.getExportsOfModule(probeSymbol).map((s) => [s.name, s]));
  request.exprs.forEach((expr, i) => {
    requested[expr] = failed.has(i) ? null : describe(checker.getDeclaredTypeOfSymbol(probeExports.get(`Requested${i}`)), true);
  });
  for (const name of request.names) {
    const symbol = byName.get(name);
    if (symbol && !queued.has(name)) {
      queued.set(name, checker.getDeclaredTypeOfSymbol(symbol));
      pending.push(name);
    }
  }
  const types = {};
  while (pending.length > 0) {
    const name = pending.pop();
    types[name] = describe(queued.get(name), true);
  }
  const sorted = Object.fromEntries(Object.keys(types).sort().map((name) => [name, types[name]]));
  return { types: sorted, requested };
}

try {
  const args = parseArgs(process.argv.slice(2));
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  unpack(args.tarball, args.dir, args.integrity);
  const { checker, entryFile, probeFile, failed } = program(args.dir, request.exprs);
  const version = JSON.parse(fs.readFileSync(path.join(args.dir, 'package/package.json'), 'utf8')).version.replace(/^v/, '');
  const { types, requested } = extract(checker, entryFile, probeFile, failed, request);
  process.stdout.write(JSON.stringify({ version, typescript: ts.version, types, requested }));
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
