module.exports = {
  ...require('../../jest.preset.js'),
  roots: ['<rootDir>/src', '<rootDir>/test'].filter((r) =>
    require('fs').existsSync(r.replace('<rootDir>', __dirname)),
  ),
};
