import { greet } from 'greeting';

export async function handler(event) {
  const images = event?.images ?? [];
  return { message: greet('resizer'), resized: images.map((image) => ({ key: image.key, width: Math.min(image.width, 320) })) };
}
