module oauthtime

go 1.22
