// Lint rules for code that must stay pure (the engine): no I/O, no clock, no timers, no randomness.
// Time, ids and seeds arrive inside commands, so replaying a command log rebuilds the same state.
import base from "./base.js";

const impure = "the engine is pure: time, ids and randomness arrive inside commands";

export default [
  ...base,
  {
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: impure },
            {
              group: ["ws", "@trpc/*", "better-sqlite3", "pg", "fs", "path", "os", "crypto", "child_process", "net", "http"],
              message: impure,
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "process", message: impure },
        { name: "setTimeout", message: impure },
        { name: "setInterval", message: impure },
        { name: "setImmediate", message: impure },
        { name: "queueMicrotask", message: impure },
        { name: "performance", message: impure },
        { name: "fetch", message: impure },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: impure },
        { object: "Math", property: "random", message: impure },
        { object: "crypto", property: "randomUUID", message: impure },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: impure },
        { selector: "CallExpression[callee.name='Date']", message: impure },
      ],
    },
  },
];
