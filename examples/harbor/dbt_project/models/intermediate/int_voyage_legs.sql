{{ config(materialized='ephemeral') }}

select
    v.voyage_id,
    v.vessel_imo,
    c.port_code,
    c.berth,
    c.arrived_at,
    c.departed_at,
    date_diff('hour', c.arrived_at, c.departed_at) as hours_in_port
from {{ ref('stg_voyages') }} as v
join {{ ref('stg_port_calls') }} as c
    on c.voyage_id = v.voyage_id