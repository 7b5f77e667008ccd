import { join, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "..", "..", "..");

/**
 * Type-checks generated programs strictly, with `module` resolved to this
 * checkout's compiled declarations (`dist/<declarations>`); returns one line
 * per problem.
 */
export function typeProblems(files: readonly string[], module: string, declarations: string): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules", "@types")],
    paths: { [module]: [join(ROOT, "dist", declarations)] },
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}
