export default async function globalTeardown(): Promise<void> {
  await globalThis.__CC_INFRA__?.stop();
}
