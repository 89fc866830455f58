// The architecture rules `npm run lint` enforces on src/ (dependency-cruiser): the client and the emulator are
// two independent readings of the protocol, so neither may import the other (a shared error mapping or
// position helper would hide the same bug on both sides); both may import the generated protocol code, which
// imports neither; and no module may take part in an import cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'client-not-to-emulator',
      comment: 'The client must not import the emulator: see CONTRIBUTING.md, architecture rules.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'emulator-not-to-client',
      comment: 'The emulator must not import the client: see CONTRIBUTING.md, architecture rules.',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'generated-is-a-leaf',
      comment: 'The generated protocol code depends on nothing of ours.',
      severity: 'error',
      from: { path: '^src/generated/' },
      to: { path: '^src/(client|emulator)/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make modules that cannot be read, tested or loaded on their own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import must resolve (a typo in a path would otherwise hide a dependency).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
