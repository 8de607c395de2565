//! From a reader's features to the model: districts, parcels and the park built from imported
//! files. Here, beside the readers, so that the model depends on no reader.

use crate::formats::{FromFeature, Import, ImportedFeature, Message};
use crate::model::{
    AreaBasis, District, PARCEL_PROPERTIES, Parcel, ParcelList, ParcelStatus, Park,
};

impl District {
    pub(crate) fn from_feature(feature: ImportedFeature) -> Self {
        let code = feature
            .property_text("code")
            .or_else(|| feature.id.clone())
            .unwrap_or_else(|| format!("#{}", feature.index + 1));
        // `district` and `district_en` are what the benchmark generator calls the names.
        let name = feature
            .property_text("name")
            .or_else(|| feature.property_text("district"))
            .unwrap_or_else(|| code.clone());
        let name_en = feature
            .property_text("name_en")
            .or_else(|| feature.property_text("district_en"))
            .unwrap_or_else(|| name.clone());
        let areas = feature.areas();
        Self {
            code,
            name,
            name_en,
            area_m2: areas.on(AreaBasis::default()),
            areas,
            geometry: feature.geometry,
            valid: feature.valid,
        }
    }
}

impl FromFeature for Parcel {
    const KEEP: Option<&'static [&'static str]> = Some(PARCEL_PROPERTIES);

    fn from_feature(feature: ImportedFeature, messages: &mut Vec<Message>) -> Self {
        Self::unplaced(feature, messages)
    }

    /// Sets the position in the file, and names a parcel the file gives no number by it.
    fn place(&mut self, index: usize) {
        self.feature_index = index;
        if self.parcel_no.is_empty() {
            self.parcel_no = format!("#{}", index + 1);
        }
    }
}

impl Parcel {
    /// A parcel from an imported feature, its number left empty when the file gives none
    /// (see [`FromFeature::place`]).
    fn unplaced(mut feature: ImportedFeature, messages: &mut Vec<Message>) -> Self {
        let status = feature.take_text("status").and_then(|text| {
            let status = ParcelStatus::parse(&text);
            if status.is_none() {
                messages.push(Message {
                    level: crate::report::Level::Warning,
                    feature: Some(feature.feature_ref()),
                    text: format!("unknown status \"{text}\" (expected 在用, 闲置, 低效 or 已盘活); left blank"),
                });
            }
            status
        });
        let areas = feature.areas();
        Self {
            // `parcel_id` and `owner` are what other tools (and the benchmark generator) call
            // the parcel number and the holder.
            parcel_no: feature
                .take_text("parcel_no")
                .or_else(|| feature.take_text("parcel_id"))
                .or_else(|| feature.id.clone())
                // Never empty otherwise: `take_text` gives no empty text.
                .unwrap_or_default(),
            district: feature.take_text("district"),
            holder: feature
                .take_text("holder")
                .or_else(|| feature.take_text("owner")),
            land_use: feature.take_text("land_use"),
            supplied_on: feature
                .take_text("supplied_on")
                .or_else(|| feature.take_text("supplied_o")),
            status,
            area_m2: areas.on(AreaBasis::default()),
            areas,
            valid: feature.valid,
            feature_index: feature.index,
            geometry: feature.geometry,
        }
    }
}

impl Park {
    /// Builds a park from imported district and parcel files. Parcels without a `district`
    /// property are assigned to the district containing their interior point.
    #[must_use]
    pub fn from_imports(districts: Option<Import>, parcels: Option<Import>) -> Self {
        let mut park = Self::default();
        if let Some(import) = districts {
            park.set_districts(import);
        }
        if let Some(import) = parcels {
            let (parcels, report) = parcels_of(import);
            park.set_parcels(ParcelList::check(&park.districts, parcels, report));
        }
        park
    }

    /// Replaces the districts.
    pub fn set_districts(&mut self, import: Import) {
        self.districts = import
            .features
            .into_iter()
            .map(District::from_feature)
            .collect();
        let basis = self.area_basis;
        for district in &mut self.districts {
            district.area_m2 = district.areas.on(basis);
        }
        self.district_report = Some(import.report);
        self.assign_missing_districts();
    }
}

/// The parcels of a whole-file import, each at its place in the file, with the import's
/// report (and a message for each unknown status).
#[must_use]
pub fn parcels_of(import: Import) -> (Vec<Parcel>, crate::report::ImportReport) {
    import.into_items()
}
