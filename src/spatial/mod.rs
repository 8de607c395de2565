//! Spatial index over parcels in map (Web Mercator) metres: what lies in the view, and which
//! parcel is under a point (envelope first, then exact containment).

use geo::{BoundingRect, Contains, MultiPolygon, coord};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree of shape envelopes with the shapes for the exact test.
pub struct ShapeIndex {
    tree: RTree<Entry>,
    shapes: Vec<MultiPolygon<f64>>,
}

impl ShapeIndex {
    /// Indexes shapes by their position in `shapes` (bulk-loaded).
    #[must_use]
    pub fn new(shapes: Vec<MultiPolygon<f64>>) -> Self {
        let entries = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, shape)| {
                let rect = shape.bounding_rect()?;
                let (min, max) = (rect.min(), rect.max());
                Some(GeomWithData::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    i,
                ))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            shapes,
        }
    }

    /// The shapes, by index.
    #[must_use]
    pub fn shapes(&self) -> &[MultiPolygon<f64>] {
        &self.shapes
    }

    /// The shape containing a point; when shapes overlap, the one drawn last (highest index).
    #[must_use]
    pub fn hit(&self, point: [f64; 2]) -> Option<usize> {
        let p = geo::Point::from(coord! { x: point[0], y: point[1] });
        self.tree
            .locate_all_at_point(&point)
            .map(|entry| entry.data)
            .filter(|&i| self.shapes.get(i).is_some_and(|s| s.contains(&p)))
            .max()
    }

    /// Indices of shapes whose envelope meets a rectangle.
    pub fn in_rect(&self, min: [f64; 2], max: [f64; 2]) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|entry| entry.data)
    }

    /// Shapes that meet a rectangle (envelope query, then exact intersection), in index order.
    #[must_use]
    pub fn intersecting(&self, min: [f64; 2], max: [f64; 2]) -> Vec<usize> {
        use geo::Intersects as _;
        let rect = geo::Rect::new(
            coord! { x: min[0], y: min[1] },
            coord! { x: max[0], y: max[1] },
        );
        let mut hits: Vec<usize> = self
            .in_rect(min, max)
            .filter(|&i| self.shapes.get(i).is_some_and(|s| s.intersects(&rect)))
            .collect();
        hits.sort_unstable();
        hits
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn hit_test_uses_exact_containment_not_the_envelope() {
        // An L shape: its envelope covers the empty corner at (8, 8).
        let l_shape = polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 5.0),
            (x: 5.0, y: 5.0), (x: 5.0, y: 10.0), (x: 0.0, y: 10.0)
        ];
        let square =
            polygon![(x: 20.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 10.0), (x: 20.0, y: 10.0)];
        let index = ShapeIndex::new(vec![
            MultiPolygon::new(vec![l_shape]),
            MultiPolygon::new(vec![square]),
        ]);
        assert_eq!(index.hit([2.0, 8.0]), Some(0));
        assert_eq!(index.hit([8.0, 8.0]), None);
        assert_eq!(index.hit([25.0, 5.0]), Some(1));
        assert_eq!(index.in_rect([9.0, 9.0], [21.0, 11.0]).count(), 2);
        // The box at (7..9, 7..9) meets the L's envelope but not the L itself.
        assert_eq!(
            index.intersecting([7.0, 7.0], [9.0, 9.0]),
            Vec::<usize>::new()
        );
        assert_eq!(index.intersecting([4.0, 4.0], [21.0, 6.0]), vec![0, 1]);
    }
}
