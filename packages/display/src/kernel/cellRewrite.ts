/**
 * Cell-to-cell fixes the embedlab kernel applies to a cell's source before tslab converts it.
 *
 * tslab runs each cell as its own module and rewrites every reference to an earlier cell's
 * declaration `x` into `exports.x` — except where the name is also a property name:
 * - a shorthand property `{ ids }` (and `({ ids = [] } = o)` in a destructuring assignment) keeps the
 *   bare `ids`, which is not defined in the new cell: ReferenceError. Rewritten to `{ ids: ids }`.
 * - `import x = require("m")` is rejected (tslab compiles cells as ES modules). Rewritten to
 *   `const x: typeof import("m") = require("m")`: the same value, the module's type.
 * - `export const x = 1` / `export function f` in a cell is refused by tslab's own `export {…}` of
 *   every top-level name ("Export declaration conflicts…"); everything a cell declares is already
 *   kept for the next cells, so the `export` keyword is dropped; `export { ids }` (which tslab
 *   turns into `exports.ids = void 0`, wiping an earlier cell's `ids`) is dropped, and
 *   `export { a as b }` becomes `const b = a;`.
 * The edits are found with TypeScript's parser (tslab's own TypeScript), never with patterns on the
 * text, and {@link CellRewrite.originalOffset} maps positions in the rewritten cell back, so
 * compile errors point at the user's line and column.
 */
import type * as TS from "typescript";

/** One edit of the cell's source: replace `[start, end)` with `text`. */
export interface CellEdit {
  start: number;
  end: number;
  text: string;
}

/** A rewritten cell: the new source, the edits made (in source order) and a position map. */
export interface CellRewrite {
  source: string;
  edits: CellEdit[];
  /** The offset in the original cell of `offset` in the rewritten one. */
  originalOffset(offset: number): number;
}

type Ts = typeof TS;
let defaultTs: Ts | undefined;

/** tslab's TypeScript (5.0, `@tslab/typescript-for-tslab`), the parser the kernel compiles with. */
export function tslabTypeScript(): Ts {
  if (!defaultTs) {
    const tslabDir = require.resolve("tslab/package.json");
    defaultTs = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] })) as Ts;
  }
  return defaultTs;
}

/**
 * The value names earlier cells declared, read from tslab's declarations of them (`prevDecl`,
 * a `.d.ts` text): variables, functions, classes, enums, namespaces and imports.
 */
export function declaredNames(prevDecl: string, ts: Ts = tslabTypeScript()): Set<string> {
  const names = new Set<string>();
  if (!prevDecl) return names;
  const sf = ts.createSourceFile("__prev__.d.ts", prevDecl, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const bind = (name: TS.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) names.add(st.name.text);
    else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) names.add(st.name.text);
    else if (ts.isImportEqualsDeclaration(st)) names.add(st.name.text);
    else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) names.add(c.name.text);
      const b = c.namedBindings;
      if (b && ts.isNamespaceImport(b)) names.add(b.name.text);
      else if (b) for (const el of b.elements) names.add(el.name.text);
    }
  }
  return names;
}

function hasModifier(ts: Ts, node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/**
 * Rewrites a cell so that tslab runs it as the user meant (see the file comment). `prevNames` are
 * the names earlier cells declared ({@link declaredNames}); a cell that needs no edit comes back
 * unchanged (`edits` empty).
 * @example
 * rewriteCell("const o = { ids };", new Set(["ids"])).source // "const o = { ids: ids };"
 */
export function rewriteCell(src: string, prevNames: ReadonlySet<string>, ts: Ts = tslabTypeScript()): CellRewrite {
  const sf = ts.createSourceFile("__tslab__.ts", src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: CellEdit[] = [];
  for (const st of sf.statements) {
    // `import x = require("m")` (not `export import`, not `import type`): the value, with its type
    if (ts.isImportEqualsDeclaration(st) && !st.isTypeOnly && !hasModifier(ts, st, ts.SyntaxKind.ExportKeyword) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
      const spec = st.moduleReference.expression.getText(sf);
      edits.push({ start: st.getStart(sf), end: st.end, text: `const ${st.name.text}: typeof import(${spec}) = require(${spec});` });
      continue;
    }
    // `export { a, b as c }` (no `from`): every name is kept anyway; a rename declares the new name
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier && !st.isTypeOnly && st.exportClause && ts.isNamedExports(st.exportClause)) {
      const renames = st.exportClause.elements.filter((e) => !e.isTypeOnly && e.propertyName && e.propertyName.text !== e.name.text);
      edits.push({ start: st.getStart(sf), end: st.end, text: renames.map((e) => `const ${e.name.text} = ${e.propertyName!.text};`).join(" ") });
      continue;
    }
    // `export` on a top-level declaration: tslab exports every top-level name itself
    if ((ts.isVariableStatement(st) || ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && !hasModifier(ts, st, ts.SyntaxKind.DefaultKeyword)) {
      for (const m of ts.getModifiers(st) ?? []) {
        if (m.kind !== ts.SyntaxKind.ExportKeyword) continue;
        let end = m.end;
        while (end < src.length && (src[end] === " " || src[end] === "\t")) end++;
        edits.push({ start: m.getStart(sf), end, text: "" });
      }
    }
  }
  const visit = (node: TS.Node): void => {
    if (ts.isShorthandPropertyAssignment(node) && prevNames.has(node.name.text)) {
      // `{ ids }` -> `{ ids: ids }`; `{ ids = d } = o` -> `{ ids: ids = d } = o`
      edits.push({ start: node.name.end, end: node.name.end, text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (edits.length === 0) return { source: src, edits, originalOffset: (o) => o };
  edits.sort((a, b) => a.start - b.start);
  let source = "";
  let at = 0;
  for (const e of edits) {
    source += src.slice(at, e.start) + e.text;
    at = e.end;
  }
  source += src.slice(at);
  return {
    source,
    edits,
    originalOffset(offset: number): number {
      let shift = 0; // rewritten minus original, for the edits before `offset`
      for (const e of edits) {
        const newStart = e.start + shift;
        if (offset < newStart) break;
        if (offset < newStart + e.text.length) return e.start; // inside an edit: its start
        shift += e.text.length - (e.end - e.start);
      }
      return offset - shift;
    },
  };
}

/** Line and character (0-based) of `offset` in `text`. */
export function lineAndCharacter(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
