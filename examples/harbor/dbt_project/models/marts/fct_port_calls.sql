with legs as (

    select * from {{ ref('int_voyage_legs') }}

),

tariffs as (

    select * from {{ ref('stg_tariffs') }}

)

select
    legs.voyage_id,
    legs.vessel_imo,
    legs.port_code,
    legs.arrived_at,
    legs.departed_at,
    legs.hours_in_port,
    tariffs.dues_per_gt_usd * 50000 as port_dues_usd
from legs
left join tariffs
    on tariffs.port_code = legs.port_code
    and tariffs.valid_from <= cast(legs.arrived_at as date)