export async function handler(event) {
  return { did: 'things', greeting: process.env.GREETING, received: event };
}
