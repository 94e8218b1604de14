/**
 * Build step for dist/ (see vite.config.ts): the keys of the widget's texts (widget/i18n/translation.ts) become one
 * or two letters. Each key is written three times over (Bahasa Indonesia, English, every place that reads it) in
 * three separately compressed files, so `installmentDetail:` costs bytes in each (about 400 B gzip in all).
 *
 * Which occurrences are renamed is decided by the type checker, not by matching names: a property access, object
 * literal key or destructured property is renamed only if TypeScript resolves it to a member declared in
 * translation.ts. A key is left alone (everywhere) when the rename could miss a use: the object holding it is indexed
 * with `[]` (`t.status[status]`, `t.check[note]`), or a property of that name is read somewhere the checker cannot
 * resolve (an `any`), or it is destructured without a new name. Sources, tests and lib/ keep the readable keys; only
 * the browser bundle differs, and the e2e tests run against it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

/** Per source file (absolute path): its text as checked, and the [start, end, newName] edits to apply to it. */
export type TextKeyEdits = Map<string, { text: string; edits: Array<[number, number, string]> }>;

/** The widget's sources (`entries`, relative to `root`) as the type checker sees them with the project's tsconfig. */
export function widgetProgram(root: string, entries: string[]): ts.Program {
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(resolve(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root);
  return ts.createProgram(
    entries.map((e) => resolve(root, e)),
    config.options,
  );
}

export function textKeyEdits(root: string, program: ts.Program): { edits: TextKeyEdits; renamed: Map<string, string> } {
  const translationFile = resolve(root, 'widget/i18n/translation.ts');
  const checker = program.getTypeChecker();
  const widgetDir = resolve(root, 'widget') + '/';
  const files = program.getSourceFiles().filter((f) => f.fileName.startsWith(widgetDir));

  const isTextMember = (symbol: ts.Symbol | undefined): boolean => {
    const decls = symbol?.declarations;
    return !!decls?.length && decls.every((d) => d.getSourceFile().fileName === translationFile && (ts.isPropertySignature(d) || ts.isMethodSignature(d)));
  };
  /** Names that must keep their spelling, and every property name in the widget (new names avoid them all). */
  const keep = new Set<string>();
  const taken = new Set<string>();
  /** Occurrences that resolve to a translation member: file, identifier node. */
  const hits: Array<[ts.SourceFile, ts.Identifier]> = [];

  const textProperty = (type: ts.Type | undefined, name: string) => {
    const prop = type?.getProperty(name);
    return prop && isTextMember(prop) ? prop : undefined;
  };

  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
        const name = node.name.text;
        taken.add(name);
        const symbol = checker.getSymbolAtLocation(node.name);
        if (isTextMember(symbol)) hits.push([file, node.name]);
        else if (!symbol) keep.add(name);
      } else if (ts.isElementAccessExpression(node)) {
        // Indexed by a value: every key of that object keeps its name.
        const type = checker.getTypeAtLocation(node.expression);
        for (const prop of checker.getApparentType(type).getProperties()) if (isTextMember(prop)) keep.add(prop.name);
      } else if ((ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node)) && ts.isObjectLiteralExpression(node.parent) && ts.isIdentifier(node.name)) {
        taken.add(node.name.text);
        if (textProperty(checker.getContextualType(node.parent), node.name.text)) hits.push([file, node.name]);
      } else if (ts.isShorthandPropertyAssignment(node)) {
        taken.add(node.name.text);
        if (textProperty(checker.getContextualType(node.parent), node.name.text)) keep.add(node.name.text);
      } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const key = node.propertyName ?? node.name;
        if (ts.isIdentifier(key)) {
          taken.add(key.text);
          if (textProperty(checker.getTypeAtLocation(node.parent), key.text)) {
            if (node.propertyName) hits.push([file, key]);
            else keep.add(key.text);
          }
        }
      } else if (ts.isIdentifier(node)) {
        taken.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const names = [...new Set(hits.map(([, id]) => id.text))].filter((n) => !keep.has(n)).sort();
  return renameHits(names, hits, (short) => !taken.has(short));
}

/**
 * Gives `names` (in order: the first gets the shortest) the names `prefix` + one or two letters that `free` allows,
 * and turns every identifier in `hits` whose name was renamed into an edit of its file. Shared by the text keys and
 * the private members (scripts/short-private-names.ts).
 */
export function renameHits(names: string[], hits: Array<[ts.SourceFile, ts.Identifier]>, free: (short: string) => boolean, prefix = ''): { edits: TextKeyEdits; renamed: Map<string, string> } {
  const renamed = new Map<string, string>();
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let i = 0; renamed.size < names.length; i++) {
    const short = prefix + (i < letters.length ? letters[i]! : letters[Math.floor(i / letters.length) - 1]! + letters[i % letters.length]!);
    if (free(short)) renamed.set(names[renamed.size]!, short);
  }
  const edits: TextKeyEdits = new Map();
  for (const [file, id] of hits) {
    const short = renamed.get(id.text);
    if (!short) continue;
    let entry = edits.get(file.fileName);
    if (!entry) edits.set(file.fileName, (entry = { text: readFileSync(file.fileName, 'utf8'), edits: [] }));
    entry.edits.push([id.getStart(file), id.getEnd(), short]);
  }
  return { edits, renamed };
}
/** Applies the edits to `code`, which must be the file exactly as checked (else the positions would be wrong). */
export function applyTextKeyEdits(code: string, entry: { text: string; edits: Array<[number, number, string]> }): string | null {
  if (code !== entry.text) return null;
  let out = '';
  let at = 0;
  for (const [start, end, name] of [...entry.edits].sort((a, b) => a[0] - b[0])) {
    out += code.slice(at, start) + name;
    at = end;
  }
  return out + code.slice(at);
}
