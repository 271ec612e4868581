//! The example book's figure: a small bar chart drawn here, so the template
//! carries no binary file. Indexed colour keeps it a few hundred bytes.

const WIDTH: u32 = 480;
const HEIGHT: u32 = 300;
const PALETTE: [u8; 12] = [
    0xff, 0xff, 0xff, // background
    0x44, 0x44, 0x44, // axis
    0xb2, 0x22, 0x22, // red bar
    0x2f, 0x5d, 0x8a, // blue bar
];

/// The PNG file's bytes.
pub fn png() -> Vec<u8> {
    let pixels = draw();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(&PALETTE[..]);
    let mut writer = enc.write_header().expect("PNG header into memory");
    writer
        .write_image_data(&pixels)
        .expect("PNG data into memory");
    writer.finish().expect("PNG end into memory");
    out
}

/// Palette indices, row by row: three bars standing on an axis.
fn draw() -> Vec<u8> {
    let mut px = vec![0u8; (WIDTH * HEIGHT) as usize];
    let mut fill = |x0: u32, y0: u32, x1: u32, y1: u32, colour: u8| {
        for y in y0..y1 {
            for x in x0..x1 {
                px[(y * WIDTH + x) as usize] = colour;
            }
        }
    };
    let base = 260;
    for (i, height) in [120u32, 200, 160].into_iter().enumerate() {
        let x = 70 + 130 * i as u32;
        fill(x, base - height, x + 80, base, if i == 1 { 2 } else { 3 });
    }
    fill(40, base, 440, base + 3, 1);
    px
}

#[cfg(test)]
mod tests {
    #[test]
    fn figure_decodes_to_its_size() {
        let bytes = super::png();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (super::WIDTH, super::HEIGHT));
        // The middle bar's centre is red, the corner is background.
        let rgb = img.to_rgb8();
        assert_eq!(rgb.get_pixel(240, 200).0, [0xb2, 0x22, 0x22]);
        assert_eq!(rgb.get_pixel(2, 2).0, [0xff, 0xff, 0xff]);
    }
}
