// Rewrites the JavaScript emitted for a cell so that it runs inside an async wrapper:
// top-level declarations become assignments to globals (so later cells, and closures made
// in earlier cells, share one binding and may redeclare it), imports go through the kernel's
// module loader, and the last expression statement becomes the cell's result.
import type * as TS from "typescript";
import type { TypeScript } from "./loadTypeScript";

/** The global the kernel defines for cells to import modules with. */
export const IMPORT_FUNCTION = "__tfjsStudioImport";

export interface TransformedNames {
  /** Globals the cell assigns; the runner creates any that do not exist yet. */
  runtime: string[];
}

/**
 * @param cellLength statements that start at or after this position belong to the checker's
 *   trailer (earlier cells' declarations and exports), not to the cell.
 */
export function cellRuntimeTransformer(ts: TypeScript, cellLength: number, names: TransformedNames): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (file) => {
    const f = context.factory;
    const runtime = new Set<string>();
    const hoisted: TS.Statement[] = [];
    const body: TS.Statement[] = [];

    const assign = (target: TS.Expression, value: TS.Expression) => f.createExpressionStatement(f.createAssignment(target as TS.Identifier, value));
    const global = (name: string) => {
      runtime.add(name);
      return f.createIdentifier(name);
    };
    const notExportOrDefault = (m: TS.ModifierLike) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword;

    /** `{ a, b: [c = 1] }` as a binding becomes the same shape as an assignment target. */
    const toTarget = (name: TS.BindingName): TS.Expression => {
      if (ts.isIdentifier(name)) return global(name.text);
      if (ts.isObjectBindingPattern(name)) {
        return f.createObjectLiteralExpression(name.elements.map((element) => {
          if (element.dotDotDotToken) return f.createSpreadAssignment(toTarget(element.name));
          if (!element.propertyName && ts.isIdentifier(element.name)) {
            runtime.add(element.name.text);
            return f.createShorthandPropertyAssignment(element.name.text, element.initializer);
          }
          const target = toTarget(element.name);
          return f.createPropertyAssignment(element.propertyName!, element.initializer ? f.createAssignment(target, element.initializer) : target);
        }));
      }
      return f.createArrayLiteralExpression(name.elements.map((element) => {
        if (ts.isOmittedExpression(element)) return f.createOmittedExpression();
        const target = toTarget(element.name);
        if (element.dotDotDotToken) return f.createSpreadElement(target);
        return element.initializer ? f.createAssignment(target, element.initializer) : target;
      }));
    };

    const rewriteImport = (statement: TS.ImportDeclaration) => {
      const loaded = f.createAwaitExpression(f.createCallExpression(f.createIdentifier(IMPORT_FUNCTION), undefined, [statement.moduleSpecifier]));
      const clause = statement.importClause;
      if (!clause) return body.push(f.createExpressionStatement(loaded));
      const namespace = f.createUniqueName("__module");
      body.push(f.createVariableStatement(undefined, f.createVariableDeclarationList(
        [f.createVariableDeclaration(namespace, undefined, undefined, loaded)], ts.NodeFlags.Const)));
      if (clause.name) body.push(assign(global(clause.name.text), f.createPropertyAccessExpression(namespace, "default")));
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        body.push(assign(global(bindings.name.text), namespace));
      } else if (bindings) {
        for (const element of bindings.elements) {
          const imported = element.propertyName ?? element.name;
          const access = ts.isIdentifier(imported)
            ? f.createPropertyAccessExpression(namespace, imported.text)
            : f.createElementAccessExpression(namespace, f.createStringLiteral(imported.text));
          body.push(assign(global(element.name.text), access));
        }
      }
    };

    for (const statement of file.statements) {
      const original = ts.getOriginalNode(statement);
      if (original.pos >= cellLength) continue;
      if (ts.isImportDeclaration(statement)) {
        rewriteImport(statement);
      } else if (ts.isExportDeclaration(statement)) {
        continue;
      } else if (ts.isExportAssignment(statement)) {
        body.push(f.createExpressionStatement(statement.expression));
      } else if (ts.isVariableStatement(statement)) {
        const isVar = !(statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
        for (const declaration of statement.declarationList.declarations) {
          const target = toTarget(declaration.name);
          // `var x;` keeps the value x already has, as it would in one script; `let x;` resets it.
          if (declaration.initializer || !isVar) {
            body.push(assign(target, declaration.initializer ?? f.createVoidZero()));
          }
        }
      } else if (ts.isFunctionDeclaration(statement) && statement.body) {
        const fn = f.createFunctionExpression(statement.modifiers?.filter(notExportOrDefault) as TS.Modifier[] | undefined,
          statement.asteriskToken, statement.name, undefined, statement.parameters, undefined, statement.body);
        // Function declarations are hoisted: they exist before the cell's first statement runs.
        if (statement.name) hoisted.push(assign(global(statement.name.text), fn));
        else body.push(f.createExpressionStatement(fn));
      } else if (ts.isClassDeclaration(statement)) {
        const cls = f.createClassExpression(statement.modifiers?.filter(notExportOrDefault), statement.name, undefined,
          statement.heritageClauses, statement.members);
        body.push(statement.name ? assign(global(statement.name.text), cls) : f.createExpressionStatement(cls));
      } else {
        body.push(statement);
      }
    }

    // Only an expression the user wrote is a result, not an assignment made from a declaration.
    const last = body.at(-1);
    const lastWritten = file.statements.filter((s) => ts.getOriginalNode(s).pos < cellLength && !ts.isExportDeclaration(s)).at(-1);
    if (last && last === lastWritten && ts.isExpressionStatement(last)) {
      // Wrapped in an array so that a Promise result is shown, not awaited by the async wrapper.
      body[body.length - 1] = ts.setTextRange(f.createReturnStatement(f.createArrayLiteralExpression([last.expression])), last);
    }
    names.runtime = [...runtime];
    return f.updateSourceFile(file, [...hoisted, ...body]);
  };
}
