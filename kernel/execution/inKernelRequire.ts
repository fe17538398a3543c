// Lets the local files that cells import (e.g. a template's data.ts, compiled to CommonJS) import the
// in-kernel modules too: Node's require answers their names with the same objects cells get.
import Module from "node:module";

type LoadFunction = (request: string, parent: unknown, isMain: boolean) => unknown;

export function provideInKernelModulesToRequire(modules: Record<string, object>): void {
  const moduleInternals = Module as unknown as { _load: LoadFunction };
  const load = moduleInternals._load;
  moduleInternals._load = function (this: unknown, request, parent, isMain) {
    return Object.hasOwn(modules, request) ? modules[request] : load.call(this, request, parent, isMain);
  };
}
