select
    move_id,
    container_id,
    upper(port) as port_code,
    cast(moved_at as timestamp) as moved_at,
    move_type,
    teu
from {{ source('raw', 'container_moves') }}
where move_type in ('load', 'discharge', 'restow')