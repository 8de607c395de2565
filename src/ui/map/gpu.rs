//! The map's fills and parcel outlines drawn by the GPU through an egui paint callback (the
//! wgpu renderer eframe uses). The buffers are uploaded once per load (and the colours once
//! per restyle); a frame only writes one small uniform, so it costs the same at 1,000 or
//! 1,000,000 parcels. Hover, selection and labels are drawn by egui on top.

use super::layer::MapLayer;
use crate::layer::prepare::Tessellation;
use crate::ui::revision::Revision;
use eframe::egui_wgpu::{self, CallbackResources, CallbackTrait, RenderState};
use eframe::wgpu;
use eframe::wgpu::util::DeviceExt as _;

const SHADER: &str = r"
struct Uniforms {
    center: vec2<f32>,
    scale: vec2<f32>,
    line_color: vec4<f32>,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

struct VsOut {
    @builtin(position) pos: vec4<f32>,
    @location(0) color: vec4<f32>,
};

@vertex
fn vs_fill(@location(0) p: vec2<f32>, @location(1) c: vec4<f32>) -> VsOut {
    var out: VsOut;
    out.pos = vec4<f32>((p - u.center) * u.scale, 0.0, 1.0);
    out.color = c;
    return out;
}

@vertex
fn vs_line(@location(0) p: vec2<f32>) -> VsOut {
    var out: VsOut;
    out.pos = vec4<f32>((p - u.center) * u.scale, 0.0, 1.0);
    out.color = u.line_color;
    return out;
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4<f32> {
    return in.color;
}
";

/// Uniforms: camera centre (local metres), clip units per metre, outline colour.
type Uniforms = [f32; 8];

/// One layer's buffers on the GPU.
struct GpuMesh {
    positions: wgpu::Buffer,
    colors: wgpu::Buffer,
    triangles: wgpu::Buffer,
    triangle_count: u32,
    lines: wgpu::Buffer,
    line_count: u32,
}

/// Everything the callback needs, kept in egui-wgpu's callback resources.
struct GpuMap {
    fill_pipeline: wgpu::RenderPipeline,
    line_pipeline: wgpu::RenderPipeline,
    uniforms: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    districts: Option<GpuMesh>,
    parcels: Option<GpuMesh>,
    /// The layer's shapes and colours last uploaded.
    generation: Option<Revision>,
    color_generation: Option<Revision>,
}

/// Uploads what changed since the last frame; returns false when the GPU path is unusable.
#[must_use]
pub fn sync(render_state: &RenderState, layer: &MapLayer) -> bool {
    let device = &render_state.device;
    let mut renderer = render_state.renderer.write();
    let resources = &mut renderer.callback_resources;
    if resources.get::<GpuMap>().is_none() {
        resources.insert(create(device, render_state.target_format));
    }
    let Some(map) = resources.get_mut::<GpuMap>() else {
        return false;
    };
    if map.generation != Some(layer.generation) {
        // Buffers over the device's limit (256 MiB by default) would fail validation: then
        // the window draws with egui's meshes instead.
        let limit = device.limits().max_buffer_size;
        if !fits(&layer.districts.tessellation, limit) || !fits(&layer.parcels.tessellation, limit)
        {
            map.districts = None;
            map.parcels = None;
            map.generation = None;
            return false;
        }
        map.districts = upload(
            device,
            &layer.districts.tessellation,
            &layer.district_vertex_colors,
            false,
        );
        map.parcels = upload(
            device,
            &layer.parcels.tessellation,
            &layer.parcel_vertex_colors,
            true,
        );
        map.generation = Some(layer.generation);
        map.color_generation = Some(layer.color_generation);
    } else if map.color_generation != Some(layer.color_generation) {
        if let Some(parcels) = &map.parcels
            && !layer.parcel_vertex_colors.is_empty()
        {
            render_state.queue.write_buffer(
                &parcels.colors,
                0,
                bytemuck::cast_slice(&layer.parcel_vertex_colors),
            );
        }
        map.color_generation = Some(layer.color_generation);
    }
    true
}

fn create(device: &wgpu::Device, format: wgpu::TextureFormat) -> GpuMap {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("parkland_map"),
        source: wgpu::ShaderSource::Wgsl(SHADER.into()),
    });
    let bind_group_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("parkland_map"),
        entries: &[wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::VERTEX,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        }],
    });
    let uniforms = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("parkland_map_uniforms"),
        size: std::mem::size_of::<Uniforms>() as u64,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("parkland_map"),
        layout: &bind_group_layout,
        entries: &[wgpu::BindGroupEntry {
            binding: 0,
            resource: uniforms.as_entire_binding(),
        }],
    });
    let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some("parkland_map"),
        bind_group_layouts: &[Some(&bind_group_layout)],
        immediate_size: 0,
    });
    let position_layout = wgpu::VertexBufferLayout {
        array_stride: 8,
        step_mode: wgpu::VertexStepMode::Vertex,
        attributes: &wgpu::vertex_attr_array![0 => Float32x2],
    };
    let color_layout = wgpu::VertexBufferLayout {
        array_stride: 4,
        step_mode: wgpu::VertexStepMode::Vertex,
        attributes: &wgpu::vertex_attr_array![1 => Unorm8x4],
    };
    let pipeline = |entry: &str, buffers: &[Option<wgpu::VertexBufferLayout<'_>>], topology| {
        device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some(entry),
            layout: Some(&layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                buffers,
            },
            primitive: wgpu::PrimitiveState {
                topology,
                ..wgpu::PrimitiveState::default()
            },
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs"),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format,
                    blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        })
    };
    GpuMap {
        fill_pipeline: pipeline(
            "vs_fill",
            &[Some(position_layout.clone()), Some(color_layout)],
            wgpu::PrimitiveTopology::TriangleList,
        ),
        line_pipeline: pipeline(
            "vs_line",
            &[Some(position_layout)],
            wgpu::PrimitiveTopology::LineList,
        ),
        uniforms,
        bind_group,
        districts: None,
        parcels: None,
        generation: None,
        color_generation: None,
    }
}

/// Whether every buffer of a tessellation fits the device's buffer size limit.
fn fits(t: &Tessellation, limit: u64) -> bool {
    let largest = [
        t.positions.len() * 8,
        t.triangles.len() * 4,
        // Outline indices: two per ring vertex.
        t.positions.len() * 2 * 4,
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    largest as u64 <= limit
}

fn upload(
    device: &wgpu::Device,
    t: &Tessellation,
    colors: &[[u8; 4]],
    outlines: bool,
) -> Option<GpuMesh> {
    if t.positions.is_empty() || t.triangles.is_empty() {
        return None;
    }
    let buffer = |label: &str, contents: &[u8], usage| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents,
            usage,
        })
    };
    let mut lines: Vec<u32> = Vec::new();
    if outlines {
        lines.reserve(t.positions.len() * 2);
        for &[start, len] in &t.rings {
            for k in 0..len {
                lines.push(start + k);
                lines.push(start + (k + 1) % len);
            }
        }
    }
    if lines.is_empty() {
        // A buffer may not be empty; one degenerate segment is never drawn (count 0).
        lines.extend([0, 0]);
    }
    let line_count = if outlines { lines.len() as u32 } else { 0 };
    Some(GpuMesh {
        positions: buffer(
            "parkland_positions",
            bytemuck::cast_slice(&t.positions),
            wgpu::BufferUsages::VERTEX,
        ),
        colors: buffer(
            "parkland_colors",
            bytemuck::cast_slice(colors),
            wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
        ),
        triangles: buffer(
            "parkland_triangles",
            bytemuck::cast_slice(&t.triangles),
            wgpu::BufferUsages::INDEX,
        ),
        triangle_count: t.triangles.len() as u32,
        lines: buffer(
            "parkland_lines",
            bytemuck::cast_slice(&lines),
            wgpu::BufferUsages::INDEX,
        ),
        line_count,
    })
}

/// One frame's draw: the camera and what to show.
pub struct MapPaint {
    /// Camera centre in local metres.
    pub center: [f32; 2],
    /// Clip units per metre, x and y.
    pub scale: [f32; 2],
    pub outline: [f32; 4],
    pub districts: bool,
    pub parcels: bool,
    /// Parcel outlines: none, over the fills, or instead of them (the ground shows through).
    pub parcel_lines: super::ParcelLines,
}

impl MapPaint {
    /// The callback shape covering `rect`.
    pub fn shape(self, rect: egui::Rect) -> egui::Shape {
        egui::Shape::Callback(egui_wgpu::Callback::new_paint_callback(rect, self))
    }
}

impl CallbackTrait for MapPaint {
    fn prepare(
        &self,
        _device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &egui_wgpu::ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        if let Some(map) = resources.get::<GpuMap>() {
            let uniforms: Uniforms = [
                self.center[0],
                self.center[1],
                self.scale[0],
                self.scale[1],
                self.outline[0],
                self.outline[1],
                self.outline[2],
                self.outline[3],
            ];
            queue.write_buffer(&map.uniforms, 0, bytemuck::cast_slice(&uniforms));
        }
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        let Some(map) = resources.get::<GpuMap>() else {
            return;
        };
        pass.set_bind_group(0, &map.bind_group, &[]);
        let layers = [
            (self.districts, map.districts.as_ref()),
            (
                self.parcels && self.parcel_lines != super::ParcelLines::Only,
                map.parcels.as_ref(),
            ),
        ];
        pass.set_pipeline(&map.fill_pipeline);
        for (show, mesh) in layers {
            if let (true, Some(mesh)) = (show, mesh) {
                pass.set_vertex_buffer(0, mesh.positions.slice(..));
                pass.set_vertex_buffer(1, mesh.colors.slice(..));
                pass.set_index_buffer(mesh.triangles.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..mesh.triangle_count, 0, 0..1);
            }
        }
        if self.parcels
            && self.parcel_lines != super::ParcelLines::None
            && let Some(mesh) = &map.parcels
            && mesh.line_count > 0
        {
            pass.set_pipeline(&map.line_pipeline);
            pass.set_vertex_buffer(0, mesh.positions.slice(..));
            pass.set_index_buffer(mesh.lines.slice(..), wgpu::IndexFormat::Uint32);
            pass.draw_indexed(0..mesh.line_count, 0, 0..1);
        }
    }
}
