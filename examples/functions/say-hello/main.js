export async function handler(event) {
  const name = event?.name ?? 'world';
  return { message: `hello, ${name}` };
}
