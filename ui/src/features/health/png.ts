/** An SVG document as PNG bytes at its own size (drawn through a canvas; no network, no fonts to fetch). */
export async function svgToPng(svg: string): Promise<number[]> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This window cannot draw images");
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob>((resolve, reject) => {
    canvas.toBlob((b) => {
      if (b) resolve(b);
      else reject(new Error("The chart could not be encoded as PNG"));
    }, "image/png");
  });
  return Array.from(new Uint8Array(await blob.arrayBuffer()));
}
