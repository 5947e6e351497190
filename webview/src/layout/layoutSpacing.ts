/**
 * Distances the layout keeps, in CSS pixels. Exported so the renderer can place group labels in
 * the room reserved for them (`groupPadTop`).
 */
export const LAYOUT_SPACING = {
  /** Horizontal room between layers: edges bend here, so it also holds group padding and loops. */
  layerGap: 80,
  /** Vertical room between two nodes of one layer. */
  nodeGap: 20,
  /** Vertical room kept around an edge passing through a layer. */
  edgeGap: 10,
  /** Vertical room between a group box and anything else in the same layers. */
  groupGap: 24,
  /** Group box padding: the top is taller to leave room for the group's name. */
  groupPadX: 16,
  groupPadTop: 32,
  groupPadBottom: 16,
  /** How far self-loops and backward edges swing out around their end nodes. */
  loop: 8,
} as const;
