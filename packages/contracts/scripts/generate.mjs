// Placeholder until proto code generation lands; keeps the turbo pipeline shape.
