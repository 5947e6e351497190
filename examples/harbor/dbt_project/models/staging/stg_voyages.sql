with source as (

    select * from {{ source('raw', 'voyages') }}

),

renamed as (

    select
        voyage_id,
        vessel_imo,
        upper(origin_port) as origin_port,
        upper(destination_port) as destination_port,
        cast(departed_at as timestamp) as departed_at,
        cast(arrived_at as timestamp) as arrived_at,
        teu_capacity
    from source

)

select * from renamed