// The names a cell declares at its top level, read from its source before it is checked.
import type * as TS from "typescript";
import { bindingNames } from "./cellDeclarations";
import type { TypeScript } from "./loadTypeScript";

export interface CellNames {
  /** Every top-level name: values, types and imports. */
  declared: string[];
  /** The subset the cell does not export itself, to be exported by the checker's trailer. */
  toExport: string[];
}

export function topLevelNames(ts: TypeScript, source: TS.SourceFile): CellNames {
  const declared: string[] = [];
  const toExport: string[] = [];
  const add = (names: string[], statement: TS.Statement) => {
    declared.push(...names);
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) toExport.push(...names);
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      add(statement.declarationList.declarations.flatMap((d) => bindingNames(ts, d.name)), statement);
    } else if (ts.isImportDeclaration(statement)) {
      add(importedNames(ts, statement), statement);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      add([statement.name.text], statement);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
        || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)
        || (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)))
      && statement.name
    ) {
      add([statement.name.text], statement);
    }
  }
  return { declared: [...new Set(declared)], toExport: [...new Set(toExport)] };
}

function importedNames(ts: TypeScript, statement: TS.ImportDeclaration): string[] {
  const clause = statement.importClause;
  if (!clause) return [];
  const names = clause.name ? [clause.name.text] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  else if (bindings) names.push(...bindings.elements.map((e) => e.name.text));
  return names;
}
