/**
 * Build step for dist/ (see vite.config.ts): the widget's `private` class members (`focusWanted`, `loadMethods`,
 * `pollErrors`, …) get two- or three-character names in the bundle. The minifier renames variables but never
 * properties, and these names are written wherever `this.` reads them, in every file that ships (about 160 B gzip,
 * most of it in the first load).
 *
 * As for the texts' keys (short-text-keys.ts), the type checker decides what is renamed: an identifier is renamed
 * only if TypeScript resolves it to a `private` member (or constructor parameter property) declared in widget/.
 * TypeScript itself guarantees nothing outside the class reads such a member by name, except through a string or
 * an `any`, so a name is left alone everywhere when a string literal or template text in widget/ spells it
 * (`changed.has('wantQr')`), when a property of that name is read somewhere the checker cannot resolve, or when it is
 * destructured or written as a shorthand property. The new names (`$a`, `$b`, …) are spelled nowhere else in the
 * widget nor in Lit's production build (Lit's own internals are `_$`-prefixed), so they cannot shadow anything.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import { renameHits, type TextKeyEdits } from './short-text-keys.js';

export function privateNameEdits(root: string, program: ts.Program): { edits: TextKeyEdits; renamed: Map<string, string> } {
  const checker = program.getTypeChecker();
  const widgetDir = resolve(root, 'widget') + '/';
  const files = program.getSourceFiles().filter((f) => f.fileName.startsWith(widgetDir) && !f.isDeclarationFile);

  const isPrivate = (node: ts.Node) => !!(ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Private);
  /** Every private member's declaration node (a parameter property's node is shared by its two symbols). */
  const privates = new Set<ts.Node>();
  const keep = new Set<string>();
  const taken = new Set<string>();
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (
        (ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) &&
        ts.isClassLike(node.parent) &&
        ts.isIdentifier(node.name) &&
        isPrivate(node)
      ) {
        privates.add(node);
      } else if (ts.isParameter(node) && ts.isConstructorDeclaration(node.parent) && ts.isIdentifier(node.name) && isPrivate(node)) {
        privates.add(node);
      } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
        keep.add(node.text);
      }
      if (ts.isIdentifier(node)) taken.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  const isPrivateSymbol = (symbol: ts.Symbol | undefined) => !!symbol?.declarations?.some((d) => privates.has(d));

  const hits: Array<[ts.SourceFile, ts.Identifier]> = [];
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const parent = node.parent;
        if (ts.isShorthandPropertyAssignment(parent) && parent.name === node) {
          // `{ host }`: the key would change with the variable.
          if (isPrivateSymbol(checker.getShorthandAssignmentValueSymbol(parent))) keep.add(node.text);
        } else if (ts.isBindingElement(parent) && ts.isObjectBindingPattern(parent.parent) && (parent.propertyName ?? parent.name) === node) {
          // `const { countdown } = this`: reads the member by its name.
          const prop = checker.getTypeAtLocation(parent.parent).getProperty(node.text);
          if (isPrivateSymbol(prop)) keep.add(node.text);
        } else {
          const symbol = checker.getSymbolAtLocation(node);
          if (isPrivateSymbol(symbol)) hits.push([file, node]);
          else if (!symbol && ts.isPropertyAccessExpression(parent) && parent.name === node) keep.add(node.text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const names = [...new Set(hits.map(([, id]) => id.text))].filter((n) => !keep.has(n));
  // The most used names get the shortest new names.
  const uses = new Map<string, number>();
  for (const [, id] of hits) uses.set(id.text, (uses.get(id.text) ?? 0) + 1);
  names.sort((a, b) => uses.get(b)! - uses.get(a)! || (a < b ? -1 : 1));
  return renameHits(names, hits, (short) => !taken.has(short) && !keep.has(short), '$');
}
