// Declarations of earlier cells, kept per name, so a later cell is type-checked against them
// and may redeclare any of them (tslab's idea: a .d.ts of the cells before).
import type * as TS from "typescript";
import type { TypeScript } from "./loadTypeScript";

export class CellDeclarations {
  /** Name → the declaration text for that name (several statements when overloads or merging). */
  private readonly byName = new Map<string, string>();

  constructor(private readonly ts: TypeScript) {}

  /** The declarations of every name except those the current cell declares itself. */
  prelude(exclude: ReadonlySet<string>): string {
    const seen = new Set<string>();
    let text = "";
    for (const [name, declaration] of this.byName) {
      if (exclude.has(name) || seen.has(declaration)) continue;
      seen.add(declaration);
      text += declaration + "\n";
    }
    return text;
  }

  /** Takes the declarations of `names` from the .d.ts emitted for a cell that ran. */
  update(dts: string, names: readonly string[]): void {
    const ts = this.ts;
    const wanted = new Set(names);
    const found = new Map<string, string[]>();
    const source = ts.createSourceFile("cell.d.ts", dts, ts.ScriptTarget.Latest, true);
    const keep = (name: string, text: string) => {
      if (wanted.has(name)) found.set(name, [...(found.get(name) ?? []), text]);
    };
    for (const statement of source.statements) {
      // JSDoc is leading trivia: keep it, so hover and inspect show it in later cells.
      const doc = dts.slice(statement.getFullStart(), statement.getStart()).trim();
      const withDoc = (text: string) => (doc ? `${doc}\n${text}` : text);
      if (ts.isImportDeclaration(statement)) {
        for (const [name, text] of splitImport(ts, statement)) keep(name, text);
      } else if (ts.isVariableStatement(statement)) {
        const keyword = declarationKeyword(ts, statement.declarationList);
        for (const declaration of statement.declarationList.declarations) {
          for (const name of bindingNames(ts, declaration.name)) keep(name, withDoc(`declare ${keyword} ${declaration.getText()};`));
        }
      } else if (ts.isImportEqualsDeclaration(statement)) {
        keep(statement.name.text, withDoc(statement.getText()));
      } else if (isNamedDeclaration(ts, statement) && statement.name && ts.isIdentifier(statement.name)) {
        keep(statement.name.text, withDoc(statement.getText()));
      }
    }
    for (const name of names) {
      this.byName.delete(name);
      // A name the declaration emitter could not express still exists at run time.
      this.byName.set(name, found.get(name)?.join("\n") ?? `declare let ${name}: any;`);
    }
  }
}

type NamedStatement = TS.FunctionDeclaration | TS.ClassDeclaration | TS.InterfaceDeclaration | TS.TypeAliasDeclaration | TS.EnumDeclaration | TS.ModuleDeclaration;

function isNamedDeclaration(ts: TypeScript, statement: TS.Statement): statement is NamedStatement {
  return ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
    || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement);
}

function declarationKeyword(ts: TypeScript, list: TS.VariableDeclarationList): string {
  if (list.flags & ts.NodeFlags.Const) return "const";
  if (list.flags & ts.NodeFlags.Let) return "let";
  return "var";
}

/** One import statement per bound name, so that redeclaring one name drops only that one. */
function splitImport(ts: TypeScript, statement: TS.ImportDeclaration): [string, string][] {
  const clause = statement.importClause;
  if (!clause) return [];
  const from = statement.moduleSpecifier.getText();
  const typeOnly = clause.isTypeOnly ? "type " : "";
  const result: [string, string][] = [];
  if (clause.name) result.push([clause.name.text, `import ${typeOnly}${clause.name.text} from ${from};`]);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    result.push([bindings.name.text, `import ${typeOnly}* as ${bindings.name.text} from ${from};`]);
  } else if (bindings) {
    for (const element of bindings.elements) result.push([element.name.text, `import ${typeOnly}{ ${element.getText()} } from ${from};`]);
  }
  return result;
}

export function bindingNames(ts: TypeScript, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(ts, element.name)));
}
