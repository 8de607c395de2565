//! 国土TXT (界址点坐标文件, the ministry's 报部格式 used in land approval and requisition): a
//! `[属性描述]` header (坐标系, 几度分带, 投影类型, 计量单位, 带号, …) and a `[地块坐标]` section,
//! each parcel a line ending in `@` (界址点数, 地块面积, 地块编号, 地块名称, 记录图形属性, 图幅号,
//! 地块用途, 地类编码, …) followed by its boundary points (点号, 圈号, X = northing, Y = easting,
//! with or without the zone number in front).
//!
//! [`read_guotu_txt`]: every parcel as a polygon feature, rings grouped into parts and holes by
//! containment (圈号 2+ is used for both), the declared 地块面积 checked against the plane area.
//! [`write_guotu_txt`]: parcels in the park's zone for land approval submissions.

mod read;
mod write;

pub use read::{read_guotu_txt, read_guotu_txt_assuming};
pub use write::{TxtSummary, guotu_txt_text, write_guotu_txt};
