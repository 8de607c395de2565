//! Base layers under the parcels in the window (底图): the tiles a view needs are fetched and
//! decoded on a thread of their own, newest request first, and kept as textures in a cache of
//! bounded size; the map never waits for them, and a tile not there yet is blank.

use crate::basemap::{TileSource, tiles};
use crate::ui::map::Camera;
use egui::{Color32, Pos2, Rect, TextureHandle, pos2};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

/// The most tiles kept as textures: 384 tiles of 256 × 256 RGBA, 96 MB.
pub const MAX_TEXTURES: usize = 384;

/// A base layer as the user set it up, remembered between sessions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BasemapSetting {
    pub path: PathBuf,
    pub visible: bool,
    /// 0 (transparent) to 1.
    pub opacity: f32,
    /// The tiles are in GCJ-02 (some commercial services): shifted to fit.
    #[serde(default)]
    pub gcj02: bool,
}

impl BasemapSetting {
    /// Opens the layer's source, shifted when its tiles are in GCJ-02.
    pub fn open(&self) -> Result<Arc<dyn TileSource>, crate::basemap::BasemapError> {
        let source = crate::basemap::open(&self.path)?;
        Ok(if self.gcj02 {
            Arc::new(crate::basemap::Gcj02(source))
        } else {
            Arc::from(source)
        })
    }
}

/// A change to a base layer from the layers panel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BasemapEdit {
    Visible(bool),
    Opacity(f32),
    /// Its tiles are in GCJ-02 (shifted to fit), or not.
    Gcj02(bool),
    /// One place up (drawn over the one above it).
    Raise,
    Remove,
}

/// One tile of one source.
type TileKey = (u64, u8, u32, u32);

/// An open base layer.
pub struct BasemapLayer {
    /// Distinguishes its tiles in the cache (never reused).
    id: u64,
    pub source: Arc<dyn TileSource>,
    pub setting: BasemapSetting,
}

/// Requests for tiles, the newest served first; the loader thread waits on it.
#[derive(Default)]
struct Queue {
    wanted: Mutex<Vec<(TileKey, Arc<dyn TileSource>)>>,
    ready: Condvar,
}

/// The window's base layers, their tile loader and texture cache.
pub struct Basemaps {
    pub layers: Vec<BasemapLayer>,
    next_id: u64,
    queue: Arc<Queue>,
    done: Receiver<(TileKey, Option<egui::ColorImage>)>,
    sender: Sender<(TileKey, Option<egui::ColorImage>)>,
    loader_started: bool,
    asked: HashSet<TileKey>,
    /// Tiles as textures, with the frame they were last drawn in.
    textures: HashMap<TileKey, (TextureHandle, u64)>,
    /// Tiles the source does not have, or cannot be read: drawn blank, not asked again.
    blank: HashSet<TileKey>,
    frame: u64,
}

impl Default for Basemaps {
    fn default() -> Self {
        let (sender, done) = channel();
        Self {
            layers: Vec::new(),
            next_id: 0,
            queue: Arc::new(Queue::default()),
            done,
            sender,
            loader_started: false,
            asked: HashSet::new(),
            textures: HashMap::new(),
            blank: HashSet::new(),
            frame: 0,
        }
    }
}

/// Where a tile of `source` goes on screen, for a camera over `rect` (a GCJ-02 tile moved
/// back by its shift).
#[must_use]
pub fn tile_rect(
    camera: &Camera,
    rect: Rect,
    source: &dyn TileSource,
    (z, x, y): (u8, u32, u32),
) -> Rect {
    let b = crate::basemap::drawn_bounds(source, z, x, y);
    Rect::from_two_pos(
        camera.ui_from_world([b[0], b[3]], rect),
        camera.ui_from_world([b[2], b[1]], rect),
    )
}

/// The zoom and the tiles a camera over `rect` needs from a source of `zooms`, at
/// `pixels_per_point` screen pixels per point.
#[must_use]
pub fn tiles_for(
    camera: &Camera,
    rect: Rect,
    pixels_per_point: f32,
    source: &dyn TileSource,
) -> (u8, Vec<(u32, u32)>) {
    let (min, max) = camera.visible_world(rect);
    let m_per_px = camera.m_per_point / f64::from(pixels_per_point.max(0.1));
    let z = tiles::zoom_for(m_per_px, source.zoom_range());
    let bounds = crate::basemap::source_bounds(source, [min[0], min[1], max[0], max[1]]);
    (z, tiles::covering(z, bounds))
}

impl Basemaps {
    /// Adds a base layer on top of the others (under the parcels).
    pub fn add(&mut self, source: Arc<dyn TileSource>, setting: BasemapSetting) {
        self.layers.push(BasemapLayer {
            id: self.next_id,
            source,
            setting,
        });
        self.next_id += 1;
    }

    /// The settings to remember.
    #[must_use]
    pub fn settings(&self) -> Vec<BasemapSetting> {
        self.layers.iter().map(|l| l.setting.clone()).collect()
    }

    /// Whether any base layer is shown (the district fills then give way to the ground).
    #[must_use]
    pub fn any_visible(&self) -> bool {
        self.layers
            .iter()
            .any(|l| l.setting.visible && l.setting.opacity > 0.0)
    }

    /// Tiles held as textures now.
    #[must_use]
    pub fn texture_count(&self) -> usize {
        self.textures.len()
    }

    /// Whether tiles are still on their way (the window asks for a frame).
    #[must_use]
    pub fn loading(&self) -> bool {
        !self.asked.is_empty()
    }

    fn start_loader(&mut self) {
        if self.loader_started {
            return;
        }
        self.loader_started = true;
        let queue = Arc::clone(&self.queue);
        let sender = self.sender.clone();
        let _ = std::thread::Builder::new()
            .name("basemap tiles".to_owned())
            .spawn(move || {
                loop {
                    let (key, source) = {
                        let Ok(mut wanted) = queue.wanted.lock() else {
                            return;
                        };
                        while wanted.is_empty() {
                            let Ok(next) = queue.ready.wait(wanted) else {
                                return;
                            };
                            wanted = next;
                        }
                        // Newest first: what the view shows now.
                        let Some(next) = wanted.pop() else { continue };
                        next
                    };
                    let (_, z, x, y) = key;
                    let image = source.tile_image(z, x, y).ok().flatten().map(|rgba| {
                        egui::ColorImage::from_rgba_unmultiplied(
                            [rgba.width() as usize, rgba.height() as usize],
                            rgba.as_raw(),
                        )
                    });
                    if sender.send((key, image)).is_err() {
                        return;
                    }
                }
            });
    }

    /// Takes in decoded tiles (as textures), then paints every visible layer's tiles under
    /// the parcels, asking for those not there yet. Returns whether any were still wanted.
    pub fn paint(
        &mut self,
        ctx: &egui::Context,
        painter: &egui::Painter,
        camera: &Camera,
        rect: Rect,
    ) {
        self.frame += 1;
        for (key, image) in self.done.try_iter() {
            self.asked.remove(&key);
            match image {
                Some(image) => {
                    let name = format!("basemap-{}-{}-{}-{}", key.0, key.1, key.2, key.3);
                    let texture = ctx.load_texture(name, image, egui::TextureOptions::LINEAR);
                    self.textures.insert(key, (texture, self.frame));
                }
                None => {
                    self.blank.insert(key);
                }
            }
        }
        let pixels_per_point = ctx.pixels_per_point();
        let mut wanted = Vec::new();
        for layer in &self.layers {
            if !layer.setting.visible || layer.setting.opacity <= 0.0 {
                continue;
            }
            let tint =
                Color32::from_white_alpha((layer.setting.opacity.clamp(0.0, 1.0) * 255.0) as u8);
            let (z, needed) = tiles_for(camera, rect, pixels_per_point, layer.source.as_ref());
            for (x, y) in needed {
                let key = (layer.id, z, x, y);
                if let Some((texture, used)) = self.textures.get_mut(&key) {
                    *used = self.frame;
                    painter.image(
                        texture.id(),
                        tile_rect(camera, rect, layer.source.as_ref(), (z, x, y)),
                        Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
                        tint,
                    );
                } else if !self.blank.contains(&key) && !self.asked.contains(&key) {
                    wanted.push((key, Arc::clone(&layer.source)));
                }
            }
        }
        if !wanted.is_empty() {
            self.start_loader();
            for (key, _) in &wanted {
                self.asked.insert(*key);
            }
            if let Ok(mut queue) = self.queue.wanted.lock() {
                // Tiles asked for earlier and no longer in view wait behind these.
                queue.extend(wanted.into_iter().rev());
                self.queue.ready.notify_one();
            }
        }
        self.evict();
    }

    /// Keeps the texture cache within [`MAX_TEXTURES`], dropping the least recently drawn.
    fn evict(&mut self) {
        if self.textures.len() <= MAX_TEXTURES {
            return;
        }
        let mut by_age: Vec<(u64, TileKey)> = self
            .textures
            .iter()
            .map(|(key, (_, used))| (*used, *key))
            .collect();
        by_age.sort_unstable();
        let excess = self.textures.len() - MAX_TEXTURES;
        for (_, key) in by_age.into_iter().take(excess) {
            self.textures.remove(&key);
        }
    }

    /// Applies a change from the layers panel.
    pub fn edit(&mut self, index: usize, edit: BasemapEdit) {
        match edit {
            BasemapEdit::Visible(visible) => {
                if let Some(layer) = self.layers.get_mut(index) {
                    layer.setting.visible = visible;
                }
            }
            BasemapEdit::Opacity(opacity) => {
                if let Some(layer) = self.layers.get_mut(index) {
                    layer.setting.opacity = opacity.clamp(0.0, 1.0);
                }
            }
            BasemapEdit::Gcj02(gcj02) => self.set_gcj02(index, gcj02),
            BasemapEdit::Raise => self.raise(index),
            BasemapEdit::Remove => self.remove(index),
        }
    }

    /// Removes the layer at `index` and its tiles.
    pub fn remove(&mut self, index: usize) {
        if index < self.layers.len() {
            let id = self.layers.remove(index).id;
            self.textures.retain(|key, _| key.0 != id);
            self.blank.retain(|key| key.0 != id);
        }
    }

    /// Marks a layer's tiles as GCJ-02 (or not): opened again, its tiles read again.
    fn set_gcj02(&mut self, index: usize, gcj02: bool) {
        let Some(layer) = self.layers.get_mut(index) else {
            return;
        };
        layer.setting.gcj02 = gcj02;
        if let Ok(source) = layer.setting.open() {
            layer.source = source;
        }
        let id = layer.id;
        self.textures.retain(|key, _| key.0 != id);
        self.blank.retain(|key| key.0 != id);
    }

    /// Moves the layer at `index` one place up (drawn later, over the one above it).
    pub fn raise(&mut self, index: usize) {
        if index + 1 < self.layers.len() {
            self.layers.swap(index, index + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source with no tiles, in GCJ-02 or not.
    #[derive(Debug)]
    struct Everywhere(bool);

    impl TileSource for Everywhere {
        fn name(&self) -> String {
            String::new()
        }
        fn zoom_range(&self) -> (u8, u8) {
            (0, 18)
        }
        fn tile(
            &self,
            _: u8,
            _: u32,
            _: u32,
        ) -> Result<Option<Vec<u8>>, crate::basemap::BasemapError> {
            Ok(None)
        }
        fn gcj02(&self) -> bool {
            self.0
        }
    }

    #[test]
    fn a_tile_is_placed_where_the_camera_puts_its_corners() {
        let (x, y) = crate::crs::web_mercator::from_lon_lat(107.0, 33.0);
        let camera = Camera {
            center: [x, y],
            m_per_point: 20.0,
        };
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(1000.0, 600.0));
        let plain = Everywhere(false);
        let (z, needed) = tiles_for(&camera, rect, 1.0, &plain);
        // 20 m a pixel: zoom 13 (19.1 m a tile pixel), four or so tiles across.
        assert_eq!(z, 13);
        assert!(!needed.is_empty() && needed.len() <= 20, "{needed:?}");
        let centre = tiles::covering(z, [x, y, x, y])[0];
        let placed = tile_rect(&camera, rect, &plain, (z, centre.0, centre.1));
        assert!(placed.contains(rect.center()), "{placed:?}");
        let side = (tiles::tile_size_m(z) / camera.m_per_point) as f32;
        assert!((placed.width() - side).abs() < 0.01 && (placed.height() - side).abs() < 0.01);
        let b = tiles::tile_bounds(z, centre.0, centre.1);
        let corner = camera.ui_from_world([b[0], b[3]], rect);
        assert!((placed.min - corner).length() < 1e-3);
        // A GCJ-02 tile is moved back by the shift at its centre: GCJ-02 shows places around
        // 汉中 a few hundred metres east (and a little south) of where they are.
        let b = tiles::tile_bounds(z, centre.0, centre.1);
        let at =
            crate::basemap::gcj02_offset_m(f64::midpoint(b[0], b[2]), f64::midpoint(b[1], b[3]));
        assert!(
            at[0] > 300.0 && at[0] < 700.0 && at[1].abs() < 400.0,
            "{at:?}"
        );
        let shifted = tile_rect(&camera, rect, &Everywhere(true), (z, centre.0, centre.1));
        let offset = shifted.min - placed.min;
        let expected = egui::vec2((-at[0] / 20.0) as f32, (at[1] / 20.0) as f32);
        assert!(
            (offset - expected).length() < 0.01,
            "{offset:?} {expected:?}"
        );
    }
}
