with source as (

    select * from {{ source('raw', 'port_calls') }}

)

select
    voyage_id,
    vessel_imo,
    upper(port_code) as port_code,
    berth,
    cast(arrived_at as timestamp) as arrived_at,
    cast(departed_at as timestamp) as departed_at
from source