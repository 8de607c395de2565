//! Spatial index over shapes' lon/lat envelopes: what lies in a view, and which shape is under
//! a point (envelope first, then exact containment against the shape itself).
//!
//! The index holds only envelopes; the shapes stay where they are (in the park) and are
//! passed in for the exact tests, so a million parcels are not stored twice.

use geo::{BoundingRect, Contains, MultiPolygon, Rect, coord};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree, RTreeObject};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree of shape envelopes (lon/lat degrees), each tagged with the shape's index.
#[derive(Debug, Default)]
pub struct ShapeIndex {
    tree: RTree<Entry>,
    len: usize,
}

impl ShapeIndex {
    /// Indexes shapes by their position in `shapes` (bulk-loaded).
    #[must_use]
    pub fn from_shapes(shapes: &[&MultiPolygon<f64>]) -> Self {
        let rects: Vec<Option<Rect<f64>>> = shapes.iter().map(|s| s.bounding_rect()).collect();
        Self::from_rects(&rects)
    }

    /// Indexes shapes by their envelopes, `rects[i]` shape `i`'s (`None` for an empty one).
    #[must_use]
    pub fn from_rects(rects: &[Option<Rect<f64>>]) -> Self {
        let entries = rects
            .iter()
            .enumerate()
            .filter_map(|(i, rect)| {
                let (min, max) = (rect.as_ref()?.min(), rect.as_ref()?.max());
                Some(GeomWithData::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    i,
                ))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            len: rects.len(),
        }
    }

    /// The shape containing a lon/lat point; when shapes overlap, the one drawn last (highest
    /// index). `shape(i)` gives shape `i` for the exact test.
    #[must_use]
    pub fn hit<'a>(
        &self,
        point: [f64; 2],
        shape: impl Fn(usize) -> Option<&'a MultiPolygon<f64>>,
    ) -> Option<usize> {
        let p = geo::Point::from(coord! { x: point[0], y: point[1] });
        self.tree
            .locate_all_at_point(&point)
            .map(|entry| entry.data)
            .filter(|&i| shape(i).is_some_and(|s| s.contains(&p)))
            .max()
    }

    /// Indices of shapes whose envelope meets a lon/lat rectangle.
    pub fn in_rect(&self, min: [f64; 2], max: [f64; 2]) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|entry| entry.data)
    }

    /// Envelopes meeting a lon/lat rectangle, as (index, min, max).
    pub fn envelopes_in_rect(
        &self,
        min: [f64; 2],
        max: [f64; 2],
    ) -> impl Iterator<Item = (usize, [f64; 2], [f64; 2])> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|entry| {
                let env = entry.geom().envelope();
                (entry.data, env.lower(), env.upper())
            })
    }

    /// Shapes that meet a lon/lat rectangle (envelope query, then exact intersection), in
    /// index order.
    #[must_use]
    pub fn intersecting<'a>(
        &self,
        min: [f64; 2],
        max: [f64; 2],
        shape: impl Fn(usize) -> Option<&'a MultiPolygon<f64>>,
    ) -> Vec<usize> {
        use geo::Intersects as _;
        let rect = geo::Rect::new(
            coord! { x: min[0], y: min[1] },
            coord! { x: max[0], y: max[1] },
        );
        let mut hits: Vec<usize> = self
            .in_rect(min, max)
            .filter(|&i| shape(i).is_some_and(|s| s.intersects(&rect)))
            .collect();
        hits.sort_unstable();
        hits
    }

    /// Number of shapes indexed (with or without an envelope).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
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
        let shapes = [
            MultiPolygon::new(vec![l_shape]),
            MultiPolygon::new(vec![square]),
        ];
        let refs: Vec<&MultiPolygon<f64>> = shapes.iter().collect();
        let index = ShapeIndex::from_shapes(&refs);
        let get = |i: usize| shapes.get(i);
        assert_eq!(index.hit([2.0, 8.0], get), Some(0));
        assert_eq!(index.hit([8.0, 8.0], get), None);
        assert_eq!(index.hit([25.0, 5.0], get), Some(1));
        assert_eq!(index.in_rect([9.0, 9.0], [21.0, 11.0]).count(), 2);
        // The box at (7..9, 7..9) meets the L's envelope but not the L itself.
        assert_eq!(
            index.intersecting([7.0, 7.0], [9.0, 9.0], get),
            Vec::<usize>::new()
        );
        assert_eq!(index.intersecting([4.0, 4.0], [21.0, 6.0], get), vec![0, 1]);
    }
}
