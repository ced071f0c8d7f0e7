export function fakeEvent() {
  return { images: [{ key: 'a.png', width: 640 }] };
}
